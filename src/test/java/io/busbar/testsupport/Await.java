package io.busbar.testsupport;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocks the test thread on a Vert.x future with a deadline (never call it on a Vert.x thread). */
public final class Await {

  private static final long SECONDS = 30;

  private Await() {
  }

  /** The future's result, or the future's failure rethrown; an AssertionError after 30 s. */
  public static <T> T result(Future<T> future) {
    try {
      return future.await(SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + SECONDS + " s", e);
    }
  }
}
