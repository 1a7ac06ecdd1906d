package io.busbar.bench.hardening;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The load driver's Vert.x: a few event loops, one context pinned to each, a WebSocket client with no practical
 * connection limit and an HTTP client. Sockets are spread over the contexts; all state of a socket lives on its context.
 */
final class Client implements AutoCloseable {

  private final Vertx vertx;
  private final List<Context> contexts = new ArrayList<>();
  private final WebSocketClient webSockets;

  Client(int eventLoops) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    for (int i = 0; i < eventLoops; i++) {
      // From a non-Vert.x thread each call makes a new context, on the next event loop in turn.
      contexts.add(vertx.getOrCreateContext());
    }
    // A large limit rather than -1 ("no limit"): with -1, Vert.x 5.0.10 leaves every connect pending (seen here).
    webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
        .setClosingTimeout(2).setConnectTimeout(30_000));
  }

  Vertx vertx() {
    return vertx;
  }

  WebSocketClient webSockets() {
    return webSockets;
  }

  /** The context of socket number {@code index} (round robin). */
  Context context(int index) {
    return contexts.get(Math.floorMod(index, contexts.size()));
  }

  int contextCount() {
    return contexts.size();
  }

  /** An HTTP/1.1 client to the server with {@code connections} pooled keep-alive connections. */
  HttpClientAgent http(int port, int connections) {
    return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
  }

  /** CPU time this driver process has used so far, in nanoseconds. */
  static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (TimeoutException | RuntimeException e) {
      System.err.println("[hardening] client Vert.x did not close cleanly: " + e);
    }
  }
}
