package io.busbar.web.http;

import io.busbar.bus.Identity;
import io.busbar.config.ApiConfig;
import io.busbar.web.Bodies;
import io.busbar.web.Permissions;
import io.busbar.web.Requests;
import io.busbar.web.auth.Principal;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import io.busbar.web.errors.HttpErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The event bus over plain HTTP, under the same permissions as the bridge:
 * <ul>
 *   <li>{@code POST /api/request/{address}[?timeout=ms]}: the JSON body is sent as a request; 200 with the reply's
 *       body as JSON, or an error (404 no handler, 504 timeout, the recipient's code as a status); a request a
 *       departed cluster node made fail is tried once more ({@link Requests});</li>
 *   <li>{@code POST /api/send/{address}}: point-to-point without waiting for a reply; 202;</li>
 *   <li>{@code POST /api/publish/{address}}: to every subscriber; 202.</li>
 * </ul>
 * An empty body is sent as {@code null}; anything else must be JSON (any JSON value).
 */
public final class BusApi {

  private final EventBus bus;
  private final Requests requests;
  private final Permissions permissions;
  private final ApiConfig config;

  public BusApi(EventBus bus, Permissions permissions, ApiConfig config) {
    this.bus = bus;
    this.requests = new Requests(bus);
    this.permissions = permissions;
    this.config = config;
  }

  public void mount(Router router) {
    router.post("/api/request/:address").handler(this::request);
    router.post("/api/send/:address").handler(this::send);
    router.post("/api/publish/:address").handler(this::publish);
  }

  private static Identity identity(RoutingContext ctx) {
    return ctx.get(Principal.CONTEXT_KEY, Principal.ANONYMOUS).identity();
  }

  private void request(RoutingContext ctx) {
    String address = ctx.pathParam("address");
    permissions.checkSend(address, identity(ctx));
    Object body = body(ctx);
    DeliveryOptions options = identity(ctx).stamp(new DeliveryOptions().setSendTimeout(timeout(ctx)));
    requests.request(address, body, options)
        .onSuccess(reply -> ctx.response().putHeader("Content-Type", "application/json")
            .end(Json.encode(Bodies.toJson(reply.body()))))
        .onFailure(error -> HttpErrors.respond(ctx, error));
  }

  private void send(RoutingContext ctx) {
    String address = ctx.pathParam("address");
    permissions.checkSend(address, identity(ctx));
    bus.send(address, body(ctx), identity(ctx).stamp(new DeliveryOptions()));
    accepted(ctx);
  }

  private void publish(RoutingContext ctx) {
    String address = ctx.pathParam("address");
    permissions.checkSend(address, identity(ctx));
    bus.publish(address, body(ctx), identity(ctx).stamp(new DeliveryOptions()));
    accepted(ctx);
  }

  private static void accepted(RoutingContext ctx) {
    ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "accepted").encode());
  }

  private static Object body(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      return null;
    }
    try {
      return Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw new GatewayException(ErrorCode.INVALID_JSON, "the request body is not valid JSON");
    }
  }

  private long timeout(RoutingContext ctx) {
    String value = ctx.queryParams().get("timeout");
    if (value == null) {
      return config.defaultTimeoutMs();
    }
    try {
      long timeout = Long.parseLong(value);
      if (timeout >= 1 && timeout <= config.maxTimeoutMs()) {
        return timeout;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GatewayException(ErrorCode.INVALID_PARAMETER,
        "timeout: must be a whole number of milliseconds from 1 to " + config.maxTimeoutMs());
  }
}
