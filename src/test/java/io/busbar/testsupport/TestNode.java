package io.busbar.testsupport;

import io.busbar.app.BusbarLauncher;
import io.busbar.app.MainVerticle;
import io.busbar.web.GatewayVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.concurrent.TimeUnit;

/**
 * A real Busbar node in the test JVM: a Vert.x instance with metrics as the launcher sets them up, and
 * {@link MainVerticle} deployed with {@link #testConfig()} (HTTP on port 0) merged with the test's overrides.
 */
public final class TestNode implements AutoCloseable {

  private final Vertx vertx;
  private final int port;
  private final WebClient http;

  private TestNode(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /**
   * Starts a node with the test configuration and {@code overrides} deep-merged over it. When it fails to start,
   * its Vert.x instance is closed and the failure rethrown.
   */
  public static TestNode start(JsonObject overrides) {
    Vertx vertx = newVertx();
    try {
      return Await.result(deploy(vertx, overrides));
    } catch (RuntimeException | AssertionError e) {
      Await.result(vertx.close());
      throw e;
    }
  }

  /**
   * Deploys {@link MainVerticle} on {@code vertx} with the test configuration and {@code overrides} deep-merged over
   * it. The node's HTTP port is -1 when it has no gateway (its roles leave it out).
   */
  public static Future<TestNode> deploy(Vertx vertx, JsonObject overrides) {
    JsonObject config = testConfig().mergeIn(overrides, true);
    return vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)).map(id -> {
      Object port = vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT);
      return new TestNode(vertx, port instanceof Integer p ? p : -1);
    });
  }

  /** A Vert.x instance with Busbar's default metrics options. */
  public static Vertx newVertx() {
    return Vertx.builder().with(options()).build();
  }

  /** Vert.x options with Busbar's default metrics options. */
  public static VertxOptions options() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions(BusbarLauncher.defaultMetricsOptions()));
  }

  /**
   * HTTP on port 0, the repository's {@code verticles/} (gateway and demos), and permissions that allow the demos
   * and {@code test.*}, plus rules that would open internal addresses, to prove those stay closed anyway.
   */
  public static JsonObject testConfig() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("bridge", new JsonObject()
            .put("inbound", new JsonArray()
                .add(new JsonObject().put("addressRegex", "demo\\..+"))
                .add(new JsonObject().put("addressRegex", "test\\..+"))
                .add(new JsonObject().put("addressRegex", "__vertx\\..*")))
            .put("outbound", new JsonArray()
                .add(new JsonObject().put("address", "demo.ticks"))
                .add(new JsonObject().put("addressRegex", "test\\..+"))
                .add(new JsonObject().put("addressRegex", "__busbar\\..*"))))
        .put("jobs", new JsonObject().put("store", "memory"));
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return port;
  }

  public WebClient http() {
    return http;
  }

  /** Opens a raw bridge WebSocket to this node. */
  public BridgeClient bridge() {
    return BridgeClient.connect(vertx, port);
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
