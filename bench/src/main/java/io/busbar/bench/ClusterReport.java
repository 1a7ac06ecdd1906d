package io.busbar.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The cluster benchmark's table and JSON ({@code cluster-<timestamp>.json} + {@code cluster-latest.json}). */
final class ClusterReport {

  private final BenchConfig config;
  private final OffsetDateTime startedAt;
  private final int nodes;
  private JsonObject formation;
  private List<Comparison> requests;
  private JsonObject jobs;
  private JsonObject failover;
  private JsonObject machine = new JsonObject();

  ClusterReport(BenchConfig config, OffsetDateTime startedAt, int nodes) {
    this.config = config;
    this.startedAt = startedAt;
    this.nodes = nodes;
  }

  void formation(JsonObject value) {
    formation = value;
  }

  void requests(List<Comparison> value) {
    requests = value;
  }

  void jobs(JsonObject value) {
    jobs = value;
  }

  void failover(JsonObject value) {
    failover = value;
  }

  void machine(JsonObject value) {
    machine = value;
  }

  void print(PrintStream out) {
    if (formation != null) {
      printFormation(out);
    }
    if (requests != null) {
      printRequests(out);
    }
    if (jobs != null) {
      printJobs(out);
    }
    if (failover != null) {
      printFailover(out);
    }
  }

  private void printFormation(PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "Cluster formation (ms from launching the JVM; median [min-max] of %d rounds)%n",
        formation.getJsonObject("alone").getJsonArray("samples").size());
    out.printf(Locale.ROOT, "  one node, not clustered, to /ready:            %s%n",
        summary(formation.getJsonObject("alone")));
    for (Object o : formation.getJsonArray("joining")) {
      JsonObject node = (JsonObject) o;
      out.printf(Locale.ROOT, "  node %d joining %d running: /ready %s, listed by n1 %s%n", node.getInteger("node"),
          node.getInteger("clusterBefore"), summary(node.getJsonObject("ready")),
          summary(node.getJsonObject("seenByFirst")));
    }
    for (Object o : formation.getJsonArray("joiningPhases")) {
      JsonObject p = (JsonObject) o;
      out.printf(Locale.ROOT, "    round %d node %d: JVM and launcher %s, Hazelcast join %s, Busbar deployments %s%n",
          p.getInteger("round"), p.getInteger("node"), p.getValue("jvmAndLauncher"), p.getValue("hazelcastJoin"),
          p.getValue("busbarDeploy"));
    }
    JsonObject together = formation.getJsonObject("together");
    out.printf(Locale.ROOT, "  %d nodes launched together: all /ready %s, one cluster of %d %s%n", nodes,
        summary(together.getJsonObject("allReady")), nodes, summary(together.getJsonObject("oneCluster")));
  }

  private void printRequests(PrintStream out) {
    out.println();
    out.println("Request/reply over the WebSocket gateway: demo.echo on the same node (single) vs on another node"
        + " (cross-node)");
    out.printf(Locale.ROOT, "prime %d s, warm-up %d s + measure %d s per run, %d round(s), %d cores, server flags %s%n",
        config.prime().toSeconds(), config.warmup().toSeconds(), config.measure().toSeconds(), config.rounds(),
        Runtime.getRuntime().availableProcessors(), String.join(" ", config.jvmFlags()));
    out.printf(Locale.ROOT, Report.ROW, "scenario", "server", "req/s", "p50 µs", "p90 µs", "p99 µs", "max µs",
        "errors", "frames");
    for (Comparison c : requests) {
      Report.printResult(out, c.baseline());
      Report.printResult(out, c.candidate());
      out.printf(Locale.ROOT, Report.ROW, c.scenario().name(), "ratio", Report.ratio(c.throughputRatio()),
          Report.ratio(c.p50Ratio()), "", Report.ratio(c.p99Ratio()), "", "", "(cross-node/single)");
    }
    for (Comparison c : requests) {
      Report.printFirstError(out, c.baseline());
      Report.printFirstError(out, c.candidate());
    }
  }

  private void printJobs(PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "Job throughput (POST /api/jobs to n1, %d in flight; %d slots per node; sleep = %d ms)%n",
        jobs.getInteger("inFlight"), jobs.getInteger("slotsPerNode"), jobs.getInteger("sleepMs"));
    out.printf(Locale.ROOT, "  %-8s %-9s %7s  %12s %12s  %12s %12s %10s%n", "mode", "store", "workers",
        "noop acc/s", "noop done/s", "sleep acc/s", "sleep done/s", "capacity");
    for (Object o : jobs.getJsonArray("runs")) {
      JsonObject r = (JsonObject) o;
      JsonObject noop = r.getJsonObject("noop");
      JsonObject sleep = r.getJsonObject("sleep");
      out.printf(Locale.ROOT, "  %-8s %-9s %7d  %12.0f %12.0f  %12.0f %12.1f %10.0f%n", r.getString("mode"),
          r.getString("store"), r.getInteger("workerNodes"), noop.getDouble("acceptedPerSecond"),
          noop.getDouble("completionsPerSecond"), sleep.getDouble("acceptedPerSecond"),
          sleep.getDouble("completionsPerSecond"), sleep.getDouble("capacityPerSecond"));
      for (JsonObject run : List.of(noop, sleep)) {
        if (run.containsKey("incomplete") || run.containsKey("firstError")) {
          out.println("    " + run.getString("incomplete", "") + " " + run.getString("firstError", ""));
        }
      }
    }
  }

  private void printFailover(PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "Failover (ms from the signal; jobs.cluster.leaseMs %d, Hazelcast: dead after %d s"
        + " without heartbeat)%n", failover.getLong("leaseMs"), failover.getInteger("hazelcastMaxNoHeartbeatSeconds"));
    JsonObject modes = failover.getJsonObject("modes");
    for (String mode : modes.fieldNames()) {
      for (Object o : modes.getJsonArray(mode)) {
        JsonObject r = (JsonObject) o;
        out.printf(Locale.ROOT, "  %-6s round %d: %d jobs on the victim; first taken back %d, node dropped %d, all"
            + " running elsewhere %d%n", mode, r.getInteger("round"), r.getInteger("jobsOnVictim"),
            r.getLong("firstTakenBackMs"), r.getLong("nodeDroppedMs"), r.getLong("allRunningElsewhereMs"));
      }
    }
  }

  private static String summary(JsonObject stats) {
    return stats.getLong("median") + " [" + stats.getLong("min") + "-" + stats.getLong("max") + "]";
  }

  /** Writes {@code cluster-<timestamp>.json} and {@code cluster-latest.json}; returns the former. */
  Path write() throws IOException {
    return Report.write(config.resultsDir(), "cluster", startedAt, toJson());
  }

  JsonObject toJson() {
    JsonArray scenarios = new JsonArray();
    if (requests != null) {
      requests.forEach(c -> scenarios.add(c.toJson()));
    }
    return new JsonObject()
        .put("benchmark", "cluster")
        .put("startedAt", startedAt.toString())
        .put("machine", machine)
        .put("settings", new JsonObject().put("nodes", nodes)
            .put("primeSeconds", config.prime().toMillis() / 1000.0)
            .put("warmupSeconds", config.warmup().toMillis() / 1000.0)
            .put("measureSeconds", config.measure().toMillis() / 1000.0)
            .put("rounds", config.rounds())
            .put("serverJvmFlags", new JsonArray(new ArrayList<>(config.jvmFlags())))
            .put("payloadBytes", config.payloadBytes())
            .put("baseline", "single: one node, not clustered, gateway and demo.echo in one JVM")
            .put("candidate", "cross-node: a gateway-only node and a worker-only node clustered on loopback;"
                + " every request crosses the event bus to the worker and back")
            .put("latencyUnit", "microseconds"))
        .put("formation", formation)
        .put("requestReply", scenarios)
        .put("jobs", jobs)
        .put("failover", failover);
  }
}
