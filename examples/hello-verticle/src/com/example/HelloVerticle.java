package com.example;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * A user's own service, deployed by Busbar from a descriptor: answers requests on {@code hello.greet} with a
 * greeting built from its configuration and the request's {@code name}.
 */
public class HelloVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    String greeting = config().getString("greeting", "Hello");
    return vertx.eventBus().<JsonObject>consumer("hello.greet", message -> {
      String name = message.body() == null ? "world" : message.body().getString("name", "world");
      message.reply(new JsonObject().put("message", greeting + ", " + name + "!"));
    }).completion();
  }
}
