package io.busbar.bench;

import io.busbar.bench.common.ServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gateway benchmark driver (issue 3): WebSocket request/reply round trips through the SockJS event-bus
 * bridge of the Busbar fat jar, against a {@link BareBridge} serving the same echo consumer, driven by the
 * same client in the same run. Both servers run as separate JVMs with the same flags; for every scenario
 * the runs alternate between the servers, and which one goes first alternates per round (bare, busbar |
 * busbar, bare | ...), so drift hits both sides equally.
 *
 * <p>Settings: see {@link BenchConfig}. Exit code 0 on success, 1 when the benchmark could not run.
 */
public final class GatewayBench {

  private static final int MAX_CONNECTIONS = 2_000;
  private static final int CLOSING_TIMEOUT_SECONDS = 2;

  private final BenchConfig config;
  private final List<ServerProcess> started = new CopyOnWriteArrayList<>();

  private GatewayBench(BenchConfig config) {
    this.config = config;
  }

  public static void main(String[] args) {
    int exitCode;
    try {
      exitCode = new GatewayBench(BenchConfig.from(args)).runAndReport();
    } catch (IllegalArgumentException e) {
      System.err.println("gateway bench: invalid setting: " + e.getMessage());
      exitCode = 2;
    }
    System.exit(exitCode);
  }

  private int runAndReport() {
    Thread killer = new Thread(() -> started.forEach(ServerProcess::kill), "bench-kill-servers");
    Runtime.getRuntime().addShutdownHook(killer);
    Vertx vertx = Vertx.vertx();
    try {
      OffsetDateTime startedAt = OffsetDateTime.now();
      List<Comparison> comparisons = measureAll(vertx);
      Report report = new Report(config, startedAt, comparisons);
      report.print(System.out);
      Path file = report.write();
      System.out.println();
      System.out.println("JSON: " + file + " (copied to gateway-latest.json)");
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("gateway bench: interrupted");
      return 1;
    } catch (IllegalStateException e) {
      System.err.println("gateway bench failed: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println("gateway bench failed: " + e);
      e.printStackTrace(System.err);
      return 1;
    } finally {
      started.forEach(ServerProcess::close);
      closeQuietly(vertx);
    }
  }

  private List<Comparison> measureAll(Vertx vertx) throws Exception {
    if (BenchConfig.SUT_BUSBAR.equals(config.sut()) && !Files.isRegularFile(config.busbarJar())) {
      throw new IllegalStateException("Busbar jar not found: " + config.busbarJar()
        + " (build it with: mvn -f " + config.busbarDir().resolve("pom.xml") + " -DskipTests package)");
    }
    progress("starting servers (logs in " + config.logsDir() + ")");
    ServerProcess bare = track(startBare("bare"));
    ServerProcess candidate = track(BenchConfig.SUT_BUSBAR.equals(config.sut())
      ? startBusbar(config.sutLabel())
      : startBare(config.sutLabel()));
    bare.awaitReady(config.readyTimeout());
    candidate.awaitReady(config.readyTimeout());
    progress("ready: bare on port " + bare.port() + ", " + candidate.label() + " on port " + candidate.port());

    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(MAX_CONNECTIONS)
      .setClosingTimeout(CLOSING_TIMEOUT_SECONDS));
    LoadRun load = new LoadRun(vertx, client, config);
    // JIT warm-up of both servers (and this client) with the heaviest load first: a light first scenario
    // such as 1x1 would otherwise run against barely compiled code.
    Scenario heaviest = config.scenarios().stream()
      .max(Comparator.comparingInt(Scenario::totalInFlight)).orElseThrow();
    prime(load, bare, heaviest);
    prime(load, candidate, heaviest);
    List<Comparison> comparisons = new ArrayList<>();
    for (Scenario scenario : config.scenarios()) {
      comparisons.add(compare(load, bare, candidate, scenario));
    }
    return comparisons;
  }

  private Comparison compare(LoadRun load, ServerProcess bare, ServerProcess candidate, Scenario scenario)
    throws InterruptedException, TimeoutException {
    prime(load, bare, scenario);
    prime(load, candidate, scenario);
    Comparison comparison = new Comparison(scenario);
    for (int round = 1; round <= config.rounds(); round++) {
      // Odd rounds run the baseline first, even rounds the candidate first (bare, busbar, busbar, bare...):
      // a drift that grows over time (JIT, neighbours' load) then cancels over each pair of rounds.
      if (round % 2 == 1) {
        comparison.addBaseline(runOnce(load, bare, scenario, round));
        comparison.addCandidate(runOnce(load, candidate, scenario, round));
      } else {
        comparison.addCandidate(runOnce(load, candidate, scenario, round));
        comparison.addBaseline(runOnce(load, bare, scenario, round));
      }
    }
    return comparison;
  }

  /** Unmeasured load with {@code scenario}, so the server's JIT has compiled this path before it is compared. */
  private void prime(LoadRun load, ServerProcess server, Scenario scenario)
    throws InterruptedException, TimeoutException {
    if (config.prime().isZero()) {
      return;
    }
    server.checkAlive();
    RunResult result = load.run(server, scenario, Duration.ZERO, config.prime());
    progress(String.format(Locale.ROOT, "%s primed  %-7s %9.0f req/s  (%.1f s, not measured)  errors %d",
      scenario.name(), server.label(), result.requestsPerSecond(), config.prime().toMillis() / 1000.0,
      result.errors()));
  }

  private RunResult runOnce(LoadRun load, ServerProcess server, Scenario scenario, int round)
    throws InterruptedException, TimeoutException {
    server.checkAlive();
    RunResult result = load.run(server, scenario);
    server.checkAlive();
    progress(String.format(Locale.ROOT,
      "%s round %d %-7s %9.0f req/s  p50 %d µs  p99 %d µs  server CPU %.1f µs/req  errors %d  frames %s",
      scenario.name(), round, server.label(), result.requestsPerSecond(), result.percentileMicros(50),
      result.percentileMicros(99), result.serverCpuMicrosPerRequest(), result.errors(), result.frameKind()));
    return result;
  }

  /**
   * Busbar from {@code config.busbarDir()} (it reads {@code conf/} and {@code verticles/}) on a free loopback port.
   * One benchmark connection carries tens of thousands of frames a second; Busbar's per-connection rate limit (10,000/s
   * by default) would throttle it by design, and the bare bridge has none, so it is off. Jobs are not measured: their
   * store is in memory so each run starts clean.
   */
  private ServerProcess startBusbar(String label) throws IOException {
    List<String> flags = new ArrayList<>(config.jvmFlags());
    flags.addAll(config.busbarFlags());
    ServerProcess.Builder busbar = ServerProcess.busbar(config.busbarDir(), config.busbarJar()).label(label)
      .logsDir(config.logsDir()).jvmFlags(flags).env("BUSBAR_BRIDGE_RATE_PER_SECOND", "0")
      .env("BUSBAR_JOBS_STORE", "memory");
    if (!config.busbarMetrics()) {
      busbar.jarArgs("-options", "{\"metricsOptions\":{\"enabled\":false}}");
    }
    return busbar.start();
  }

  /** {@link BareBridge} with this JVM's class path, ready when {@code GET /eventbus/info} answers. */
  private ServerProcess startBare(String label) throws IOException {
    return ServerProcess.javaMain(BareBridge.class.getName(), "/eventbus/info", "{port}",
        Integer.toString(config.bareInstances())).label(label).logsDir(config.logsDir())
      .jvmFlags(withProperty(config.jvmFlags(), BareBridge.ECHO_PROPERTY, config.bareEcho())).start();
  }

  private static List<String> withProperty(List<String> flags, String name, String value) {
    List<String> all = new ArrayList<>(flags);
    all.add("-D" + name + "=" + value);
    return all;
  }

  private ServerProcess track(ServerProcess server) {
    started.add(server);
    return server;
  }

  private static void progress(String line) {
    System.err.println("[gateway-bench] " + line);
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (TimeoutException | RuntimeException e) {
      progress("client Vert.x did not close cleanly: " + e);
    }
  }
}
