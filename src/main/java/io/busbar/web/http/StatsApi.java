package io.busbar.web.http;

import io.busbar.bus.Addresses;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import io.busbar.web.errors.HttpErrors;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * This node's live statistics over HTTP, as the stats service keeps them ({@link Addresses.Stats}):
 * <ul>
 *   <li>{@code GET /api/stats}: the latest snapshot (what {@code busbar.stats} last published); 503 before the
 *       first one, 404 {@code no_handlers} when the stats service is not deployed;</li>
 *   <li>{@code GET /api/stats/history[?limit=N]}: {@code {"node", "intervalMs", "snapshots": [oldest … newest]}},
 *       the latest N snapshots (all that are kept by default), for a page that starts with its charts drawn.</li>
 * </ul>
 */
public final class StatsApi {

  private static final long TIMEOUT_MS = 5_000;

  private final EventBus bus;

  public StatsApi(EventBus bus) {
    this.bus = bus;
  }

  public void mount(Router router) {
    router.get("/api/stats").handler(this::latest);
    router.get("/api/stats/history").handler(this::history);
  }

  private void latest(RoutingContext ctx) {
    request(new JsonObject().put("limit", 1)).map(reply -> {
      JsonArray snapshots = reply.getJsonArray("snapshots");
      if (snapshots.isEmpty()) {
        throw new GatewayException(ErrorCode.NOT_READY, "no statistics yet: the first snapshot is on its way");
      }
      return snapshots.getJsonObject(0);
    }).onSuccess(snapshot -> json(ctx, snapshot)).onFailure(e -> HttpErrors.respond(ctx, e));
  }

  private void history(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    String limit = ctx.queryParams().get("limit");
    if (limit != null) {
      query.put("limit", parseLimit(limit));
    }
    request(query).onSuccess(reply -> json(ctx, reply)).onFailure(e -> HttpErrors.respond(ctx, e));
  }

  private static int parseLimit(String value) {
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 0) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GatewayException(ErrorCode.INVALID_PARAMETER, "limit: must be a whole number from 0, got " + value);
  }

  private io.vertx.core.Future<JsonObject> request(JsonObject query) {
    return bus.<JsonObject>request(Addresses.Stats.HISTORY, query,
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(TIMEOUT_MS)).map(Message::body);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
