package io.busbar.bench;

import io.busbar.bench.common.ServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a {@link Scenario} against one server: connect every socket, send closed-loop for
 * warm-up + measure, stop sending, wait (bounded) for outstanding replies, close. Called from the
 * driver's main thread, which may block ({@code Future.await} is allowed on non-Vert.x threads).
 */
final class LoadRun {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final String PAYLOAD_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Vertx vertx;
  private final WebSocketClient client;
  private final BenchConfig config;
  private final String payload;

  LoadRun(Vertx vertx, WebSocketClient client, BenchConfig config) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.payload = payload(config.payloadBytes());
  }

  /** A measured run: {@code bench.warmup} unmeasured, then {@code bench.measure} measured. */
  RunResult run(ServerProcess server, Scenario scenario) throws InterruptedException, TimeoutException {
    return run(server, scenario, config.warmup(), config.measure());
  }

  /** Runs {@code scenario} for {@code warmup + measure}, measuring only the last {@code measure}. */
  RunResult run(ServerProcess server, Scenario scenario, Duration warmup, Duration measure)
    throws InterruptedException, TimeoutException {
    RunWindow window = new RunWindow();
    List<BenchConnection> connections = connect(server, scenario, window);
    long start = System.nanoTime() + warmup.toNanos();
    long end = start + measure.toNanos();
    window.open(start, end);
    connections.forEach(c -> c.start(scenario.inFlight()));
    sleepUntil(start);
    long cpuAtStart = server.cpuNanos();
    sleepUntil(end);
    long cpuAtEnd = server.cpuNanos();
    window.stop();
    awaitDrained(connections);
    List<Future<ConnectionStats>> closed = new ArrayList<>();
    connections.forEach(c -> closed.add(c.close()));
    Future.all(closed).await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<ConnectionStats> stats = closed.stream().map(Future::result).toList();
    long serverCpu = cpuAtStart < 0 || cpuAtEnd < 0 ? -1 : cpuAtEnd - cpuAtStart;
    return RunResult.of(server.label(), scenario, window.measuredNanos(), serverCpu, stats);
  }

  private List<BenchConnection> connect(ServerProcess server, Scenario scenario, RunWindow window)
    throws InterruptedException, TimeoutException {
    List<BenchConnection> connections = new ArrayList<>();
    List<Future<Void>> opened = new ArrayList<>();
    for (int i = 0; i < scenario.connections(); i++) {
      // From a non-Vert.x thread every call creates a new context: sockets spread over the event loops.
      Context context = vertx.getOrCreateContext();
      BenchConnection connection = new BenchConnection(context, window, i, payload);
      connections.add(connection);
      opened.add(connection.open(client, server.port()));
    }
    try {
      Future.all(opened).await(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open " + scenario.connections() + " WebSockets to "
        + server.label() + " on port " + server.port() + ": " + e.getMessage(), e);
    }
    return connections;
  }

  private void awaitDrained(List<BenchConnection> connections) throws InterruptedException {
    List<Future<Void>> drained = new ArrayList<>();
    connections.forEach(c -> drained.add(c.drained()));
    try {
      Future.all(drained).await(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Outstanding requests are counted as "unanswered" when the sockets close.
    }
  }

  private static void sleepUntil(long deadlineNanos) throws InterruptedException {
    long remaining;
    while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(remaining);
    }
  }

  private static String payload(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(PAYLOAD_ALPHABET.charAt(i % PAYLOAD_ALPHABET.length()));
    }
    return text.toString();
  }
}
