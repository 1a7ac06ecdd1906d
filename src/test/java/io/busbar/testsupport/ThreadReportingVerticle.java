package io.busbar.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** A test service on {@code test.thread.<config name>} that replies with the thread it runs on. */
public final class ThreadReportingVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    String address = "test.thread." + config().getString("name", "default");
    return vertx.eventBus().consumer(address, m -> m.reply(new JsonObject()
        .put("thread", Thread.currentThread().getName())
        .put("worker", Context.isOnWorkerThread())
        .put("eventLoop", Context.isOnEventLoopThread()))).completion();
  }
}
