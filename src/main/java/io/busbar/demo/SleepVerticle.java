package io.busbar.demo;

import io.busbar.bus.Addresses;
import io.busbar.bus.FailureCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * {@link Addresses.Demo#SLEEP}: blocks its worker thread for {@code {"ms": N}} milliseconds, standing for blocking
 * I/O. Deploy it only as a worker.
 */
public final class SleepVerticle extends VerticleBase {

  /** Longest sleep one request may ask for, in milliseconds. */
  public static final int MAX_MS = 60_000;

  @Override
  public Future<?> start() {
    return vertx.eventBus().<Object>consumer(Addresses.Demo.SLEEP, SleepVerticle::sleep).completion();
  }

  private static void sleep(Message<Object> message) {
    Object ms = message.body() instanceof JsonObject body ? body.getValue("ms") : null;
    if (!(ms instanceof Integer millis) || millis < 0 || millis > MAX_MS) {
      message.fail(FailureCode.BAD_REQUEST.code(), "ms: required, a whole number from 0 to " + MAX_MS);
      return;
    }
    try {
      Thread.sleep(millis);
      message.reply(new JsonObject().put("sleptMs", millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      message.fail(FailureCode.UNAVAILABLE.code(), "interrupted while sleeping");
    }
  }
}
