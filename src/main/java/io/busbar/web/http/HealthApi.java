package io.busbar.web.http;

import io.busbar.bus.Addresses;
import io.busbar.web.errors.ErrorCode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Operational endpoints:
 * <ul>
 *   <li>{@code GET /health}: liveness; 200 while the gateway's event loop answers;</li>
 *   <li>{@code GET /ready}: readiness; 200 once every descriptor of the node is deployed and, in a cluster, while
 *       the node is a joined member whose Hazelcast member runs; else 503;</li>
 *   <li>{@code GET /metrics}: the Prometheus scrape of the node's meters (503 when metrics are disabled).</li>
 * </ul>
 */
public final class HealthApi {

  private static final long STATUS_TIMEOUT_MS = 2_000;

  private final EventBus bus;

  public HealthApi(EventBus bus) {
    this.bus = bus;
  }

  public void mount(Router router) {
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
    if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create());
    } else {
      router.get("/metrics").handler(ctx -> json(ctx, 503, new JsonObject().put("error", ErrorCode.NOT_READY.code())
          .put("message", "metrics are disabled on this node")));
    }
  }

  private void ready(RoutingContext ctx) {
    bus.<JsonObject>request(Addresses.Node.STATUS, null,
            new DeliveryOptions().setSendTimeout(STATUS_TIMEOUT_MS).setLocalOnly(true))
        .onSuccess(reply -> {
          JsonObject status = reply.body();
          boolean ready = status.getBoolean("ready", false);
          json(ctx, ready ? 200 : 503, status.copy().put("status", ready ? "UP" : "DOWN"));
        })
        .onFailure(e -> json(ctx, 503, new JsonObject().put("status", "DOWN").put("message", e.getMessage())));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
