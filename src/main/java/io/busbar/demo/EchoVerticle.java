package io.busbar.demo;

import io.busbar.bus.Addresses;
import io.busbar.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * {@link Addresses.Demo#ECHO}: replies with the request's body and headers, on the event loop. The caller's
 * identity headers ({@code busbar-*}, see {@link Identity}) are for this service, not for the reply.
 */
public final class EchoVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    return vertx.eventBus().consumer(Addresses.Demo.ECHO, EchoVerticle::echo).completion();
  }

  private static void echo(Message<Object> message) {
    message.reply(message.body(), new DeliveryOptions().setHeaders(Identity.withoutReserved(message.headers())));
  }
}
