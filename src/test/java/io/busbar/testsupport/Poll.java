package io.busbar.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it until a deadline: tests never sleep a fixed time. */
public final class Poll {

  private static final long POLL_INTERVAL_NANOS = 20_000_000;

  private Poll() {
  }

  /** Polls {@code condition} every 20 ms until it holds, failing with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /** As {@link #until(String, Duration, BooleanSupplier)}, adding {@code detail} (what was seen) to the failure. */
  public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        String seen = detail.get();
        throw new AssertionError("timed out after " + timeout + " waiting for " + what
            + (seen.isEmpty() ? "" : "; " + seen));
      }
      LockSupport.parkNanos(POLL_INTERVAL_NANOS);
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }
}
