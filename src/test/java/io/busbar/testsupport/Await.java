package io.busbar.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.Callable;
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

  /** Runs {@code action} on {@code context} (for code that must run there) and returns what it returned. */
  public static <T> T on(Context context, Callable<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return result(promise.future());
  }
}
