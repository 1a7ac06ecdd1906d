package io.busbar.web.http;

import io.busbar.config.ApiConfig;
import io.busbar.metrics.GatewayMeters;
import io.busbar.web.Bodies;
import io.busbar.web.Permissions;
import io.busbar.web.auth.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/subscribe/{address}}: what is published or sent to an address, as Server-Sent Events, for
 * consumers that only speak HTTP. Each event is {@code event: message}, an increasing {@code id}, and
 * {@code data: {"address", "body"[, "headers"]}}. A comment line is written when the subscription is live and then
 * every {@code api.sseHeartbeatMs} to keep proxies from closing the stream. Messages that arrive while the client
 * is not reading fast enough are dropped and counted. The consumer is removed when the client goes away.
 */
public final class SseSubscriptions {

  private final Vertx vertx;
  private final Permissions permissions;
  private final ApiConfig config;
  private final GatewayMeters meters;

  public SseSubscriptions(Vertx vertx, Permissions permissions, ApiConfig config, GatewayMeters meters) {
    this.vertx = vertx;
    this.permissions = permissions;
    this.config = config;
    this.meters = meters;
  }

  public void mount(Router router) {
    router.get("/api/subscribe/:address").handler(this::subscribe);
  }

  private void subscribe(RoutingContext ctx) {
    String address = ctx.pathParam("address");
    permissions.checkReceive(address, ctx.get(Principal.CONTEXT_KEY, Principal.ANONYMOUS).identity());
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
    long[] seq = {0};
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, m -> push(response, address, m, ++seq[0]));
    meters.subscribed();
    meters.connectionOpened("sse");
    long heartbeat = vertx.setPeriodic(config.sseHeartbeatMs(), t -> response.write(": keep-alive\n\n"));
    response.closeHandler(v -> {
      vertx.cancelTimer(heartbeat);
      consumer.unregister();
      meters.unsubscribed();
      meters.connectionClosed("sse");
    });
    consumer.completion().onSuccess(v -> response.write(": subscribed to " + address + "\n\n"));
  }

  private void push(HttpServerResponse response, String address, Message<Object> message, long id) {
    if (response.closed() || response.writeQueueFull()) {
      meters.dropped();
      return;
    }
    JsonObject data = new JsonObject().put("address", address).put("body", Bodies.toJson(message.body()));
    JsonObject headers = Bodies.clientHeaders(message.headers());
    if (headers != null) {
      data.put("headers", headers);
    }
    response.write("event: message\nid: " + id + "\ndata: " + data.encode() + "\n\n");
  }
}
