package io.busbar.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;

/**
 * Baseline for the gateway benchmark: a bare vertx-web SockJS event-bus bridge at {@code /eventbus/*}
 * that permits inbound {@value #ECHO_ADDRESS} only, plus an event-bus consumer on that address which
 * replies with the received body unchanged. No metrics, no bridge-event hook, no auth.
 *
 * <p>The echo consumer runs in a verticle of its own by default, so that a request crosses from the event loop
 * reading the socket to the echo's and back, as in Busbar (whose gateway and {@code demo.echo} are separate
 * verticles). With the system property {@value #ECHO_PROPERTY}{@code =}{@value #ECHO_IN_BRIDGE} it is registered by
 * the bridge verticle itself and runs on the bridge's event loop (this class's original set-up).
 *
 * <p>Usage: {@code java -cp <bench classpath> io.busbar.bench.BareBridge <port> [instances [addressRegex]]}.
 * {@code instances} (default 1) is the number of verticle instances, i.e. event loops serving HTTP.
 * {@code addressRegex}, when given, is also permitted both inbound and outbound (clients may publish to and register
 * on it; the hardening benchmark uses {@code bench\..+}). Prints {@code READY <port>} on stdout once every instance
 * listens.
 */
public final class BareBridge extends VerticleBase {

  /** The echo address the benchmark sends to; the same address Busbar's demo echo consumer binds. */
  public static final String ECHO_ADDRESS = "demo.echo";
  /** System property choosing where the echo consumer runs: {@value #ECHO_OWN_VERTICLE} or {@value #ECHO_IN_BRIDGE}. */
  public static final String ECHO_PROPERTY = "bare.echo";
  public static final String ECHO_OWN_VERTICLE = "verticle";
  public static final String ECHO_IN_BRIDGE = "bridge";

  private final int port;
  private final String openRegex;
  private final boolean echoInBridge;

  BareBridge(int port, String openRegex, boolean echoInBridge) {
    this.port = port;
    this.openRegex = openRegex;
    this.echoInBridge = echoInBridge;
  }

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: BareBridge <port> [instances]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    String openRegex = args.length > 2 ? args[2] : null;
    boolean echoInBridge = ECHO_IN_BRIDGE.equals(System.getProperty(ECHO_PROPERTY, ECHO_OWN_VERTICLE));
    Vertx vertx = Vertx.vertx();
    Future<String> echo = echoInBridge ? Future.succeededFuture() : vertx.deployVerticle(new Echo());
    echo.compose(v -> vertx.deployVerticle(() -> new BareBridge(port, openRegex, echoInBridge),
        new DeploymentOptions().setInstances(instances)))
      .onSuccess(id -> System.out.println("READY " + port))
      .onFailure(BareBridge::exitOnFailure);
  }

  /** The echo consumer in a verticle of its own. */
  private static final class Echo extends VerticleBase {
    @Override
    public Future<?> start() {
      return vertx.eventBus().consumer(ECHO_ADDRESS, BareBridge::echo).completion();
    }
  }

  @Override
  public Future<?> start() {
    Future<Void> echo = echoInBridge ? vertx.eventBus().consumer(ECHO_ADDRESS, BareBridge::echo).completion()
      : Future.succeededFuture();
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .addInboundPermitted(new PermittedOptions().setAddress(ECHO_ADDRESS));
    if (openRegex != null) {
      options.addInboundPermitted(new PermittedOptions().setAddressRegex(openRegex))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(openRegex));
    }
    Router router = Router.router(vertx);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(options));
    Future<HttpServer> listening = vertx.createHttpServer().requestHandler(router).listen(port);
    return Future.all(echo, listening);
  }

  private static void echo(Message<Object> message) {
    message.reply(message.body());
  }

  private static void exitOnFailure(Throwable failure) {
    System.err.println("BareBridge failed to start: " + failure);
    System.exit(1);
  }
}
