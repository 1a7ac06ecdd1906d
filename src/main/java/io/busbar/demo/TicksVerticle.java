package io.busbar.demo;

import io.busbar.bus.Addresses;
import io.busbar.config.Conf;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Publishes {@code {"seq": n, "time": epoch ms}} on {@link Addresses.Demo#TICKS} every {@code ticks.intervalMs}
 * (default 1000).
 */
public final class TicksVerticle extends VerticleBase {

  private long seq;

  @Override
  public Future<?> start() {
    long interval = Conf.of(config(), "").section("ticks").longIn("intervalMs", 1000, 10, 3_600_000);
    vertx.setPeriodic(interval, t -> vertx.eventBus().publish(Addresses.Demo.TICKS,
        new JsonObject().put("seq", ++seq).put("time", System.currentTimeMillis())));
    return Future.succeededFuture();
  }
}
