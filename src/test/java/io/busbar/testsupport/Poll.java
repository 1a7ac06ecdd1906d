package io.busbar.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it until a deadline: tests never sleep a fixed time. */
public final class Poll {

  private static final long POLL_INTERVAL_NANOS = 20_000_000;

  private Poll() {
  }

  /** Polls {@code condition} every 20 ms until it holds, failing with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(POLL_INTERVAL_NANOS);
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }
}
