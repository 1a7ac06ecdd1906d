package io.busbar.bench;

import io.busbar.bench.common.Machine;
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
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cluster benchmark driver (issue 5), against real fat-jar JVMs on loopback, in four phases:
 * <ol>
 *   <li><b>formation</b>: how long a node takes to start alone without a cluster, to start and join a cluster of
 *       {@code k-1} running nodes (launch → {@code /ready} and launch → seen by the first node), and for
 *       {@code cluster.nodes} nodes launched together to form one cluster;</li>
 *   <li><b>requests</b>: WebSocket round trips through the gateway to {@code demo.echo} served on the same node (a
 *       single node, the baseline) against served on another node (a gateway-only node in front of a worker-only
 *       node: every request crosses the clustered event bus and back), same client, same run, rounds alternating
 *       as in {@link GatewayBench};</li>
 *   <li><b>jobs</b>: {@link JobsThroughput}, one node not clustered then a cluster of 1, 2 and 3 nodes;</li>
 *   <li><b>failover</b>: {@link Failover}, a worker node killed (SIGKILL) or frozen (SIGSTOP) while it runs jobs.</li>
 * </ol>
 * Settings: {@link BenchConfig} for the request phase, plus (defaults; with {@code quick=true} the smaller ones in
 * brackets): {@code phases} (formation,requests,jobs,failover), {@code cluster.nodes} 3, {@code cluster.rounds} 2 [1],
 * {@code jobs.warmup} 400 [200] per node, {@code jobs.noop} 2000 [600], {@code jobs.sleep} 600 [240],
 * {@code jobs.sleepMs} 100, {@code jobs.slots} 8, {@code jobs.inFlight} 32, {@code jobs.leaseMs} 5000 (the nodes'
 * {@code jobs.cluster.leaseMs}), {@code failover.rounds} 2 [1], {@code failover.modes} kill,freeze,
 * {@code failover.jobsPerWorker} 4. Quick also shortens the request phase: prime 2 s, warm-up 2 s, measure 5 s,
 * 1 round, scenarios 1x1,100x10. Running only {@code failover} still grows the cluster through the jobs phase (with
 * two nodes).
 */
public final class ClusterBench {

  private static final int MAX_CONNECTIONS = 2_000;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final List<String> QUICK = List.of("prime=2", "warmup=2", "measure=5", "rounds=1",
      "scenarios=1x1,100x10", "cluster.rounds=1", "jobs.warmup=200", "jobs.noop=600", "jobs.sleep=240",
      "failover.rounds=1");

  private final BenchConfig config;
  private final Map<String, String> settings;
  private final ClusterNodes nodes;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();

  private ClusterBench(BenchConfig config, Map<String, String> settings) {
    this.config = config;
    this.settings = settings;
    this.nodes = new ClusterNodes(config);
  }

  public static void main(String[] args) {
    int exitCode;
    try {
      List<String> all = new ArrayList<>();
      if (Arrays.stream(args).anyMatch(a -> a.equals("quick=true") || a.equals("bench.quick=true"))) {
        all.addAll(QUICK);   // first, so that explicit settings win
      }
      all.addAll(Arrays.asList(args));
      String[] merged = all.toArray(String[]::new);
      exitCode = new ClusterBench(BenchConfig.from(merged), settings(merged)).runAndReport();
    } catch (IllegalArgumentException e) {
      System.err.println("cluster bench: invalid setting: " + e.getMessage());
      exitCode = 2;
    }
    System.exit(exitCode);
  }

  /** Every {@code key=value} argument, keys without the {@code bench.} prefix; later ones win. */
  private static Map<String, String> settings(String[] args) {
    Map<String, String> map = new HashMap<>();
    for (String arg : args) {
      String key = arg.substring(0, arg.indexOf('=')).trim();
      map.put(key.startsWith("bench.") ? key.substring(6) : key, arg.substring(arg.indexOf('=') + 1).trim());
    }
    return map;
  }

  private String setting(String key, String fallback) {
    return settings.getOrDefault(key, System.getProperty("bench." + key, fallback));
  }

  private int integer(String key, String fallback, int min) {
    String value = setting(key, fallback);
    try {
      int n = Integer.parseInt(value);
      if (n < min) {
        throw new IllegalArgumentException("bench." + key + " must be >= " + min + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bench." + key + " must be a whole number, was '" + value + "'", e);
    }
  }

  private List<String> list(String key, String fallback) {
    return Arrays.stream(setting(key, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private int runAndReport() {
    Vertx vertx = Vertx.vertx();
    try {
      List<String> phases = list("phases", "formation,requests,jobs,failover");
      int clusterNodes = integer("cluster.nodes", "3", 2);
      OffsetDateTime startedAt = OffsetDateTime.now();
      ClusterReport report = new ClusterReport(config, startedAt, clusterNodes);
      if (phases.contains("formation")) {
        report.formation(formation(clusterNodes, integer("cluster.rounds", "2", 1)));
      }
      if (phases.contains("requests")) {
        report.requests(requestReply(vertx));
        nodes.stopAll();
      }
      if (phases.contains("jobs") || phases.contains("failover")) {
        jobsAndFailover(report, phases, clusterNodes);
      }
      report.machine(Machine.snapshot());
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
      nodes.stopAll();
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException | RuntimeException e) {
        progress("client Vert.x did not close cleanly: " + e);
      }
    }
  }

  // ---- jobs and failover (one cluster, grown to cluster.nodes, then joined by each victim) -------------------------

  private void jobsAndFailover(ClusterReport report, List<String> phases, int clusterNodes)
      throws IOException, InterruptedException {
    long leaseMs = integer("jobs.leaseMs", "5000", 100);
    Map<String, String> env = ClusterNodes.clusterEnv("jobs");
    env.put("BUSBAR_JOBS_CLUSTER_LEASE_MS", Long.toString(leaseMs));
    JobsThroughput jobs = new JobsThroughput(nodes, new JobsThroughput.Settings(integer("jobs.warmup", "400", 0),
        integer("jobs.noop", "2000", 1),
        integer("jobs.sleep", "600", 1), integer("jobs.sleepMs", "100", 1), integer("jobs.slots", "8", 1),
        integer("jobs.inFlight", "32", 1), phases.contains("jobs") ? clusterNodes : 2));
    AtomicReference<ServerProcess> gateway = new AtomicReference<>();
    JsonObject throughput = jobs.run(env, gateway);
    if (phases.contains("jobs")) {
      report.jobs(throughput);
    }
    if (phases.contains("failover")) {
      Map<String, String> victims = new HashMap<>(env);
      victims.putAll(jobs.poolEnv());
      Failover failover = new Failover(nodes, new Failover.Settings(integer("failover.rounds", "2", 1),
          list("failover.modes", "kill,freeze"), integer("failover.jobsPerWorker", "4", 1), leaseMs));
      report.failover(failover.run(gateway.get(), victims, nodes.workers(gateway.get()).size()));
    }
    nodes.stopAll();
  }

  // ---- formation ----------------------------------------------------------------------------------------------

  private JsonObject formation(int count, int rounds) throws IOException, InterruptedException {
    List<Long> alone = new ArrayList<>();
    List<List<Long>> joinReady = new ArrayList<>();
    List<List<Long>> joinSeen = new ArrayList<>();
    List<Long> togetherReady = new ArrayList<>();
    List<Long> togetherFormed = new ArrayList<>();
    JsonArray phases = new JsonArray();
    for (int k = 0; k < count; k++) {
      joinReady.add(new ArrayList<>());
      joinSeen.add(new ArrayList<>());
    }
    for (int round = 1; round <= rounds; round++) {
      long t0 = System.nanoTime();
      ServerProcess single = nodes.start("alone-" + round, Map.of(), false);
      single.awaitReady(config.readyTimeout());
      alone.add(millisSince(t0));
      nodes.stopAll();

      Map<String, String> env = ClusterNodes.clusterEnv("form-" + round);
      ServerProcess first = null;
      for (int k = 0; k < count; k++) {
        long launched = System.nanoTime();
        LocalTime launchedAt = LocalTime.now();
        ServerProcess node = nodes.start("join-" + round + "-n" + (k + 1), ClusterNodes.node(env, "n" + (k + 1), ""),
            true);
        node.awaitReady(config.readyTimeout());
        joinReady.get(k).add(millisSince(launched));
        first = first == null ? node : first;
        nodes.awaitMembers(first, k + 1);
        joinSeen.get(k).add(millisSince(launched));
        phases.add(StartPhases.of(node.log(), launchedAt).put("round", round).put("node", k + 1));
        progress(String.format(Locale.ROOT, "round %d: node %d ready after %d ms, seen by n1 after %d ms", round, k + 1,
            joinReady.get(k).get(round - 1), joinSeen.get(k).get(round - 1)));
      }
      nodes.stopAll();

      Map<String, String> together = ClusterNodes.clusterEnv("together-" + round);
      long launched = System.nanoTime();
      List<ServerProcess> all = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        all.add(nodes.start("together-" + round + "-n" + (k + 1), ClusterNodes.node(together, "n" + (k + 1), ""),
            true));
      }
      for (ServerProcess node : all) {
        node.awaitReady(config.readyTimeout());
      }
      togetherReady.add(millisSince(launched));
      nodes.awaitMembers(all.get(0), count);
      togetherFormed.add(millisSince(launched));
      progress(String.format(Locale.ROOT, "round %d: %d nodes launched together: all ready after %d ms, one cluster"
          + " after %d ms (alone: %d ms)", round, count, togetherReady.get(round - 1), togetherFormed.get(round - 1),
          alone.get(round - 1)));
      nodes.stopAll();
    }
    return new JsonObject().put("unit", "milliseconds from launching the JVM(s)")
        .put("alone", FormationStats.of(alone))
        .put("joining", FormationStats.perNode(joinReady, joinSeen))
        .put("joiningPhases", phases)
        .put("together", new JsonObject().put("nodes", count).put("allReady", FormationStats.of(togetherReady))
            .put("oneCluster", FormationStats.of(togetherFormed)));
  }

  // ---- request/reply ------------------------------------------------------------------------------------------

  private List<Comparison> requestReply(Vertx vertx) throws IOException, InterruptedException, TimeoutException {
    progress("request/reply: a single node against a gateway node in front of a worker node");
    ServerProcess single = nodes.start("single", Map.of(), false);
    Map<String, String> env = ClusterNodes.clusterEnv("rr");
    ServerProcess worker = nodes.start("worker", ClusterNodes.node(env, "worker", "worker"), true);
    ServerProcess gateway = nodes.start("cross-node", ClusterNodes.node(env, "gateway", "gateway"), true);
    single.awaitReady(config.readyTimeout());
    gateway.awaitReady(config.readyTimeout());
    nodes.awaitMembers(gateway, 2);
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

  private void prime(LoadRun load, ServerProcess server, Scenario scenario)
      throws InterruptedException, TimeoutException {
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

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void progress(String line) {
    System.err.println("[cluster-bench] " + line);
  }
}
