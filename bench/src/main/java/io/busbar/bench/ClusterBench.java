package io.busbar.bench;

import io.busbar.bench.common.ServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Cluster benchmark driver (issue 5), against real fat-jar JVMs on loopback:
 * <ol>
 *   <li><b>formation</b>: how long a node takes to start alone without a cluster, to start and join a cluster of
 *       {@code k-1} running nodes (launch → {@code /ready} and launch → seen by the first node), and for
 *       {@code bench.cluster.nodes} nodes launched together to form one cluster;</li>
 *   <li><b>request/reply</b>: WebSocket round trips through the gateway to {@code demo.echo} served on the same
 *       node (a single node, the baseline) against served on another node (a gateway-only node in front of a
 *       worker-only node: every request crosses the clustered event bus and back), same client, same run,
 *       rounds alternating as in {@link GatewayBench}.</li>
 * </ol>
 * Settings: {@link BenchConfig}, plus {@code bench.cluster.nodes} (default 3) and {@code bench.cluster.rounds}
 * (formation repetitions, default 2).
 */
public final class ClusterBench {

  private static final int MAX_CONNECTIONS = 2_000;
  private static final Duration POLL = Duration.ofMillis(50);

  private final BenchConfig config;
  private final int nodes;
  private final int formationRounds;
  private final ClusterNodes servers;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private ClusterBench(BenchConfig config, int nodes, int formationRounds) {
    this.config = config;
    this.nodes = nodes;
    this.formationRounds = formationRounds;
    this.servers = new ClusterNodes(config);
  }

  public static void main(String[] args) {
    int exitCode;
    try {
      BenchConfig config = BenchConfig.from(args);
      int nodes = Integer.parseInt(setting(args, "cluster.nodes", "3"));
      int rounds = Integer.parseInt(setting(args, "cluster.rounds", "2"));
      if (nodes < 2 || rounds < 1) {
        throw new IllegalArgumentException("bench.cluster.nodes must be >= 2 and bench.cluster.rounds >= 1");
      }
      exitCode = new ClusterBench(config, nodes, rounds).runAndReport();
    } catch (IllegalArgumentException e) {
      System.err.println("cluster bench: invalid setting: " + e.getMessage());
      exitCode = 2;
    }
    System.exit(exitCode);
  }

  /** A setting BenchConfig does not know, from the arguments or {@code -Dbench.<key>}. */
  private static String setting(String[] args, String key, String fallback) {
    for (String arg : args) {
      if (arg.startsWith(key + "=") || arg.startsWith("bench." + key + "=")) {
        return arg.substring(arg.indexOf('=') + 1).trim();
      }
    }
    return System.getProperty("bench." + key, fallback);
  }

  private int runAndReport() {
    Vertx vertx = Vertx.vertx();
    try {
      if (!Files.isRegularFile(config.busbarJar())) {
        throw new IllegalStateException("Busbar jar not found: " + config.busbarJar());
      }
      OffsetDateTime startedAt = OffsetDateTime.now();
      JsonObject formation = formation();
      List<Comparison> requests = requestReply(vertx);
      ClusterReport report = new ClusterReport(config, startedAt, nodes, formation, requests);
      report.print(System.out);
      System.out.println();
      System.out.println("JSON: " + report.write() + " (copied to cluster-latest.json)");
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (Exception e) {
      System.err.println("cluster bench failed: " + e);
      e.printStackTrace(System.err);
      return 1;
    } finally {
      servers.stopAll();
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException | RuntimeException e) {
        progress("client Vert.x did not close cleanly: " + e);
      }
    }
  }

  // ---- formation ----------------------------------------------------------------------------------------------

  private JsonObject formation() throws IOException, InterruptedException {
    List<Long> alone = new ArrayList<>();
    List<List<Long>> joinReady = new ArrayList<>();
    List<List<Long>> joinSeen = new ArrayList<>();
    List<Long> togetherReady = new ArrayList<>();
    List<Long> togetherFormed = new ArrayList<>();
    JsonArray phases = new JsonArray();
    for (int k = 0; k < nodes; k++) {
      joinReady.add(new ArrayList<>());
      joinSeen.add(new ArrayList<>());
    }
    for (int round = 1; round <= formationRounds; round++) {
      long t0 = System.nanoTime();
      ServerProcess single = servers.start("alone-" + round, Map.of(), false);
      single.awaitReady(config.readyTimeout());
      alone.add(millisSince(t0));
      servers.stopAll();

      Map<String, String> env = ClusterNodes.clusterEnv("form-" + round);
      ServerProcess first = null;
      for (int k = 0; k < nodes; k++) {
        long launched = System.nanoTime();
        LocalTime launchedAt = LocalTime.now();
        ServerProcess node = servers.start("join-" + round + "-n" + (k + 1), named(env, "n" + (k + 1)), true);
        node.awaitReady(config.readyTimeout());
        joinReady.get(k).add(millisSince(launched));
        first = first == null ? node : first;
        awaitMembers(first, k + 1);
        joinSeen.get(k).add(millisSince(launched));
        phases.add(StartPhases.of(node.log(), launchedAt).put("round", round).put("node", k + 1));
        progress(String.format(Locale.ROOT, "round %d: node %d ready after %d ms, seen by n1 after %d ms", round, k + 1,
            joinReady.get(k).get(round - 1), joinSeen.get(k).get(round - 1)));
      }
      servers.stopAll();

      Map<String, String> together = ClusterNodes.clusterEnv("together-" + round);
      long launched = System.nanoTime();
      List<ServerProcess> all = new ArrayList<>();
      for (int k = 0; k < nodes; k++) {
        all.add(servers.start("together-" + round + "-n" + (k + 1), named(together, "n" + (k + 1)), true));
      }
      for (ServerProcess node : all) {
        node.awaitReady(config.readyTimeout());
      }
      togetherReady.add(millisSince(launched));
      awaitMembers(all.get(0), nodes);
      togetherFormed.add(millisSince(launched));
      progress(String.format(Locale.ROOT, "round %d: %d nodes launched together: all ready after %d ms, one cluster"
          + " after %d ms (alone: %d ms)", round, nodes, togetherReady.get(round - 1), togetherFormed.get(round - 1),
          alone.get(round - 1)));
      servers.stopAll();
    }
    return new JsonObject().put("unit", "milliseconds from launching the JVM(s)")
        .put("alone", FormationStats.of(alone))
        .put("joining", FormationStats.perNode(joinReady, joinSeen))
        .put("joiningPhases", phases)
        .put("together", new JsonObject().put("nodes", nodes).put("allReady", FormationStats.of(togetherReady))
            .put("oneCluster", FormationStats.of(togetherFormed)));
  }

  private void awaitMembers(ServerProcess node, int members) throws InterruptedException {
    long deadline = System.nanoTime() + config.readyTimeout().toNanos();
    while (clusterMembers(node) < members) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(node.label() + " did not see " + members + " members within "
            + config.readyTimeout() + "; log " + node.log());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private int clusterMembers(ServerProcess node) throws InterruptedException {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + node.port() + "/api/cluster")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? new JsonObject(response.body()).getInteger("members", 0) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  // ---- request/reply ------------------------------------------------------------------------------------------

  private List<Comparison> requestReply(Vertx vertx) throws IOException, InterruptedException, TimeoutException {
    progress("request/reply: a single node against a gateway node in front of a worker node");
    ServerProcess single = servers.start("single", Map.of(), false);
    Map<String, String> env = ClusterNodes.clusterEnv("rr");
    ServerProcess worker = servers.start("worker", roles(named(env, "worker"), "worker"), true);
    ServerProcess gateway = servers.start("cross-node", roles(named(env, "gateway"), "gateway"), true);
    single.awaitReady(config.readyTimeout());
    gateway.awaitReady(config.readyTimeout());
    awaitMembers(gateway, 2);
    awaitEcho(gateway);
    worker.checkAlive();

    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(MAX_CONNECTIONS).setClosingTimeout(2));
    LoadRun load = new LoadRun(vertx, client, config);
    Scenario heaviest = config.scenarios().stream().max(Comparator.comparingInt(Scenario::totalInFlight)).orElseThrow();
    prime(load, single, heaviest);
    prime(load, gateway, heaviest);
    List<Comparison> comparisons = new ArrayList<>();
    for (Scenario scenario : config.scenarios()) {
      prime(load, single, scenario);
      prime(load, gateway, scenario);
      Comparison comparison = new Comparison(scenario);
      for (int round = 1; round <= config.rounds(); round++) {
        if (round % 2 == 1) {
          comparison.addBaseline(runOnce(load, single, scenario, round));
          comparison.addCandidate(runOnce(load, gateway, scenario, round));
        } else {
          comparison.addCandidate(runOnce(load, gateway, scenario, round));
          comparison.addBaseline(runOnce(load, single, scenario, round));
        }
        worker.checkAlive();
      }
      comparisons.add(comparison);
    }
    return comparisons;
  }

  /** Waits until the gateway node reaches demo.echo on the worker (the registration has crossed the cluster). */
  private void awaitEcho(ServerProcess gateway) throws InterruptedException {
    long deadline = System.nanoTime() + config.readyTimeout().toNanos();
    HttpRequest echo = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
        + "/api/request/demo.echo?timeout=2000")).POST(HttpRequest.BodyPublishers.ofString("{}"))
        .timeout(Duration.ofSeconds(5)).build();
    while (true) {
      try {
        if (http.send(echo, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the gateway node never reached demo.echo on the worker node");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private void prime(LoadRun load, ServerProcess server, Scenario scenario) throws InterruptedException, TimeoutException {
    if (!config.prime().isZero()) {
      server.checkAlive();
      RunResult r = load.run(server, scenario, Duration.ZERO, config.prime());
      progress(String.format(Locale.ROOT, "%s primed  %-10s %9.0f req/s (not measured)  errors %d", scenario.name(),
          server.label(), r.requestsPerSecond(), r.errors()));
    }
  }

  private RunResult runOnce(LoadRun load, ServerProcess server, Scenario scenario, int round)
      throws InterruptedException, TimeoutException {
    server.checkAlive();
    RunResult r = load.run(server, scenario);
    progress(String.format(Locale.ROOT, "%s round %d %-10s %9.0f req/s  p50 %d µs  p99 %d µs  errors %d",
        scenario.name(), round, server.label(), r.requestsPerSecond(), r.percentileMicros(50),
        r.percentileMicros(99), r.errors()));
    return r;
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private static Map<String, String> named(Map<String, String> env, String name) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put("BUSBAR_NODE_NAME", name);
    return copy;
  }

  private static Map<String, String> roles(Map<String, String> env, String roles) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put("BUSBAR_ROLES", roles);
    return copy;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void progress(String line) {
    System.err.println("[cluster-bench] " + line);
  }
}
