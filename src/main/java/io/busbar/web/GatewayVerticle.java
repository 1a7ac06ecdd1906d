package io.busbar.web;

import io.busbar.cluster.ClusterClient;
import io.busbar.config.BusbarConfig;
import io.busbar.config.TlsConfig;
import io.busbar.metrics.GatewayMeters;
import io.busbar.web.auth.Authenticator;
import io.busbar.web.auth.Origins;
import io.busbar.web.errors.HttpErrors;
import io.busbar.web.http.BusApi;
import io.busbar.web.http.ClusterApi;
import io.busbar.web.http.DashboardPage;
import io.busbar.web.http.HealthApi;
import io.busbar.web.http.JobsApi;
import io.busbar.web.http.JsonBodiesOnly;
import io.busbar.web.http.SseSubscriptions;
import io.busbar.web.http.StatsApi;
import io.busbar.web.ws.Bridge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: one HTTP server that opens the event bus to the outside (bridge over WebSocket and SockJS, the HTTP
 * API, SSE) and serves the operational endpoints. It only wires; the pieces it mounts do the work.
 */
public final class GatewayVerticle extends VerticleBase {

  /** Node-local shared map where the gateway records the port it listens on. */
  public static final String NODE_MAP = "busbar.node";
  /** Key of the HTTP port in {@link #NODE_MAP}. */
  public static final String HTTP_PORT = "httpPort";

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private Bridge bridge;

  @Override
  public Future<?> start() {
    BusbarConfig config = BusbarConfig.from(config());
    // Reading a JWKS file and the TLS files is blocking: do it on worker threads.
    Future<Authenticator> authenticator = vertx.executeBlocking(() -> Authenticator.create(vertx, config.auth()));
    Future<HttpServerOptions> serverOptions = vertx.executeBlocking(() -> serverOptions(config));
    return Future.all(authenticator, serverOptions)
        .compose(v -> listen(config, authenticator.result(), serverOptions.result()));
  }

  /** The server's options: the port, the WebSocket size limits and TLS; blocking (reads the TLS files). */
  private HttpServerOptions serverOptions(BusbarConfig config) {
    // Frames over the bridge's limit get an err frame; only far larger ones are cut by the WebSocket layer itself.
    int hardLimit = config.bridge().transportLimitBytes();
    HttpServerOptions options = new HttpServerOptions().setHost(config.http().host()).setPort(config.http().port())
        .setMaxWebSocketMessageSize(hardLimit).setMaxWebSocketFrameSize(hardLimit);
    TlsConfig tls = config.http().tls();
    return tls.enabled() ? options.setSsl(true).setKeyCertOptions(tls.keyCertOptions(vertx)) : options;
  }

  private Future<?> listen(BusbarConfig config, Authenticator authenticator, HttpServerOptions options) {
    Permissions permissions = Permissions.from(config.bridge());
    GatewayMeters meters = GatewayMeters.get();
    Router router = Router.router(vertx);
    HttpErrors.install(router);
    new HealthApi(vertx.eventBus()).mount(router);
    Origins origins = new Origins(config.http().allowedOrigins());
    if (!config.http().allowedOrigins().isEmpty()) {
      router.route("/api/*").handler(CorsHandler.create().addOrigins(config.http().allowedOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Content-Type", "Authorization", "X-API-Key")));
    }
    router.route("/eventbus/*").handler(origins::handle);
    router.route("/eventbus/*").handler(authenticator::handle);
    router.route("/api/*").handler(authenticator::handle);
    bridge = new Bridge(vertx, config.bridge(), permissions, meters);
    bridge.mount(router, "/eventbus");
    router.route("/api/*").handler(JsonBodiesOnly::handle);
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(config.api().maxBodyBytes()));
    new BusApi(vertx.eventBus(), permissions, config.api()).mount(router);
    new SseSubscriptions(vertx, permissions, config.api(), meters).mount(router);
    new JobsApi(vertx, meters).mount(router);
    new StatsApi(vertx.eventBus()).mount(router);
    new ClusterApi(new ClusterClient(vertx.eventBus())).mount(router);
    router.get("/api").handler(ctx -> ctx.json(index()));
    new DashboardPage().mount(router);

    return vertx.createHttpServer(options).requestHandler(router).invalidRequestHandler(HttpErrors::invalidRequest)
        .listen().onSuccess(server -> {
          vertx.sharedData().getLocalMap(NODE_MAP).put(HTTP_PORT, server.actualPort());
          LOG.info("Busbar gateway listening on {}://{}:{}", options.isSsl() ? "https" : "http", config.http().host(),
              server.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    if (bridge != null) {
      bridge.close();
    }
    return Future.succeededFuture();
  }

  private static JsonObject index() {
    return new JsonObject().put("name", "busbar")
        .put("endpoints", new JsonObject()
            .put("bridge.websocket", "/eventbus/websocket").put("bridge.sockjs", "/eventbus")
            .put("request", "POST /api/request/{address}").put("send", "POST /api/send/{address}")
            .put("publish", "POST /api/publish/{address}").put("subscribe", "GET /api/subscribe/{address}")
            .put("jobs", "POST /api/jobs, GET|DELETE /api/jobs/{id}, GET /api/jobs/{id}/events")
            .put("queues", "GET /api/queues").put("stats", "GET /api/stats, GET /api/stats/history")
            .put("cluster", "GET /api/cluster")
            .put("dashboard", "/").put("health", "/health").put("ready", "/ready").put("metrics", "/metrics"));
  }
}
