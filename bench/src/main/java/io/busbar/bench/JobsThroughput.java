package io.busbar.bench;

import io.busbar.bench.common.Prometheus;
import io.busbar.bench.common.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Job throughput of one node not clustered (jobs in memory), then of a cluster of 1, 2 and 3 nodes (jobs in
 * Hazelcast): {@code n1} runs every role, {@code n2} and {@code n3} join as workers. For each, {@code noop} jobs (what
 * the platform itself costs per job) and {@code sleep} jobs (blocking work: capacity is slots × nodes / sleep) are
 * submitted with {@code POST /api/jobs} to n1, a fixed number in flight; completions are counted by the scheduler's
 * {@code busbar_jobs_finished_total{state="succeeded"}}. Figures: accepted/s while submitting, and completions/s
 * from the first submission to the last completion, each after an unmeasured warm-up of {@code warmupJobs} noop jobs
 * per node.
 */
final class JobsThroughput {

  /** Settings of this phase. */
  record Settings(int warmupJobs, int noopJobs, int sleepJobs, int sleepMs, int slots, int inFlight, int maxNodes) {
  }

  private static final String SUCCEEDED = "busbar_jobs_finished_total";
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration COMPLETION_TIMEOUT = Duration.ofSeconds(120);

  private final ClusterNodes nodes;
  private final Settings settings;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  JobsThroughput(ClusterNodes nodes, Settings settings) {
    this.nodes = nodes;
    this.settings = settings;
  }

  /** Pools of {@code slots} fixed slots (an elastic pool with min = max), so every node has the same capacity. */
  Map<String, String> poolEnv() {
    String slots = Integer.toString(settings.slots());
    return Map.of("BUSBAR_JOBS_POOLS_JOBS_MIN", slots, "BUSBAR_JOBS_POOLS_JOBS_MAX", slots);
  }

  /**
   * Runs the phase and leaves the cluster of {@code maxNodes} running for the next phase; {@code cluster} receives
   * its gateway (n1).
   */
  JsonObject run(Map<String, String> clusterEnv, AtomicReference<ServerProcess> cluster)
      throws IOException, InterruptedException {
    JsonArray runs = new JsonArray();
    ServerProcess single = nodes.start("jobs-single", with(Map.of("BUSBAR_NODE_NAME", "single")), false);
    single.awaitReady(nodes.readyTimeout());
    runs.add(measureBoth(single, "single", 1));
    nodes.stop(single);

    ServerProcess gateway = null;
    for (int k = 1; k <= settings.maxNodes(); k++) {
      String roles = k == 1 ? "" : "worker";
      ServerProcess node = nodes.start("jobs-n" + k, with(ClusterNodes.node(clusterEnv, "n" + k, roles)), true);
      if (gateway == null) {
        gateway = node;
        gateway.awaitReady(nodes.readyTimeout());
      }
      nodes.awaitWorkers(gateway, k);
      runs.add(measureBoth(gateway, "cluster", k));
    }
    cluster.set(gateway);
    return new JsonObject().put("slotsPerNode", settings.slots()).put("inFlight", settings.inFlight())
        .put("sleepMs", settings.sleepMs()).put("runs", runs);
  }

  private Map<String, String> with(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(poolEnv());
    all.putAll(env);
    return all;
  }

  private JsonObject measureBoth(ServerProcess gateway, String mode, int workers) throws InterruptedException {
    // Unmeasured: every node's job path compiled by the JIT before the figures (a new node joins with a cold JVM).
    measure(gateway, new JsonObject().put("type", "noop"), settings.warmupJobs() * workers);
    JsonObject noop = measure(gateway, new JsonObject().put("type", "noop"), settings.noopJobs());
    JsonObject sleep = measure(gateway, new JsonObject().put("type", "sleep")
        .put("payload", new JsonObject().put("ms", settings.sleepMs())), settings.sleepJobs());
    double bound = workers * settings.slots() * 1000.0 / settings.sleepMs();
    sleep.put("capacityPerSecond", bound);
    progress(String.format(Locale.ROOT, "%s, %d worker node(s): noop %.0f jobs/s (accepted %.0f/s), sleep %.1f jobs/s"
        + " (capacity %.0f/s)", mode, workers, noop.getDouble("completionsPerSecond"),
        noop.getDouble("acceptedPerSecond"), sleep.getDouble("completionsPerSecond"), bound));
    return new JsonObject().put("mode", mode).put("store", mode.equals("single") ? "memory" : "hazelcast")
        .put("workerNodes", workers).put("noop", noop).put("sleep", sleep);
  }

  /** Submits {@code count} jobs like {@code spec}, {@code inFlight} at a time, and waits for their completions. */
  private JsonObject measure(ServerProcess gateway, JsonObject spec, int count) throws InterruptedException {
    double before = succeeded(gateway);
    URI submit = URI.create("http://127.0.0.1:" + gateway.port() + "/api/jobs");
    HttpRequest request = HttpRequest.newBuilder(submit).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(spec.encode())).build();
    Semaphore window = new Semaphore(settings.inFlight());
    AtomicInteger accepted = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    List<CompletableFuture<?>> sent = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      window.acquire();
      sent.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
        window.release();
        if (failure == null && response.statusCode() == 202) {
          accepted.incrementAndGet();
        } else {
          firstError.compareAndSet(null, failure != null ? failure.toString()
              : response.statusCode() + " " + response.body());
        }
      }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    long submitted = System.nanoTime();
    long deadline = submitted + COMPLETION_TIMEOUT.toNanos();
    double done = 0;
    while ((done = succeeded(gateway) - before) < accepted.get() && System.nanoTime() < deadline) {
      gateway.checkAlive();
      Thread.sleep(POLL.toMillis());
    }
    long finished = System.nanoTime();
    JsonObject result = new JsonObject().put("jobs", count).put("accepted", accepted.get())
        .put("completed", (long) done).put("submitSeconds", seconds(start, submitted))
        .put("acceptedPerSecond", accepted.get() / seconds(start, submitted))
        .put("seconds", seconds(start, finished)).put("completionsPerSecond", done / seconds(start, finished));
    if (firstError.get() != null) {
      result.put("firstError", firstError.get());
    }
    if (done < accepted.get()) {
      result.put("incomplete", "only " + (long) done + " of " + accepted.get() + " succeeded within "
          + COMPLETION_TIMEOUT);
    }
    return result;
  }

  private double succeeded(ServerProcess gateway) {
    double sum = Prometheus.sum(nodes.text(gateway, "/metrics"), SUCCEEDED, "state=\"succeeded\"");
    return Double.isNaN(sum) ? 0 : sum;
  }

  private static double seconds(long from, long to) {
    return Math.max(1, to - from) / 1e9;
  }

  private static void progress(String line) {
    System.err.println("[cluster-bench] jobs: " + line);
  }
}
