package io.busbar.bench;

import io.busbar.bench.common.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Failover time: a worker node (the victim) joins the running cluster, long {@code sleep} jobs are submitted until
 * every worker runs some, then the victim is either killed ({@code kill}: SIGKILL, its connections close at once) or
 * frozen ({@code freeze}: SIGSTOP, it goes silent with its connections open, as a hung host would). Measured from
 * the signal: until the first of its jobs is taken back (a job's lease changes), until the scheduler drops the node
 * from {@code /api/queues}, and until every job it ran runs again on another node with a new lease. The jobs are
 * then cancelled and the victim's process killed.
 */
final class Failover {

  /** Settings of this phase. */
  record Settings(int rounds, List<String> modes, int jobsPerWorker, long leaseMs) {
  }

  private static final long HOLD_MS = 120_000;

  private final ClusterNodes nodes;
  private final Settings settings;

  Failover(ClusterNodes nodes, Settings settings) {
    this.nodes = nodes;
    this.settings = settings;
  }

  /** Runs every mode {@code rounds} times against the cluster behind {@code gateway}, which has {@code workers}. */
  JsonObject run(ServerProcess gateway, Map<String, String> env, int workers) throws IOException, InterruptedException {
    JsonObject byMode = new JsonObject();
    for (String mode : settings.modes()) {
      JsonArray samples = new JsonArray();
      for (int round = 1; round <= settings.rounds(); round++) {
        samples.add(once(gateway, env, workers, mode, round));
      }
      byMode.put(mode, samples);
    }
    return new JsonObject().put("leaseMs", settings.leaseMs()).put("unit", "milliseconds from the signal")
        .put("hazelcastMaxNoHeartbeatSeconds", 6).put("modes", byMode);
  }

  private JsonObject once(ServerProcess gateway, Map<String, String> env, int workers, String mode, int round)
      throws IOException, InterruptedException {
    String name = "victim-" + mode + "-" + round;
    ServerProcess victim = nodes.start(name, ClusterNodes.node(env, name, "worker"), true);
    nodes.awaitWorkers(gateway, workers + 1);
    List<String> ids = submit(gateway, settings.jobsPerWorker() * (workers + 1));
    Map<String, Long> leases = new HashMap<>();
    nodes.await("every job running and some on " + name, gateway, () -> {
      leases.clear();
      for (String id : ids) {
        JsonObject job = nodes.json(gateway, "/api/jobs/" + id);
        if (!"running".equals(job.getString("state"))) {
          return false;
        }
        leases.put(id, job.getLong("lease"));
      }
      return running(gateway, name) > 0;
    });
    int victimRunning = running(gateway, name);

    long signalled = System.nanoTime();
    if (mode.equals("kill")) {
      victim.kill();
    } else {
      signal("-STOP", victim.pid());
    }
    long firstMoved = -1;
    long dropped = -1;
    long rerun = -1;
    long deadline = signalled + nodes.readyTimeout().toNanos();
    while (rerun < 0 && System.nanoTime() < deadline) {
      int moved = 0;
      int movedRunning = 0;
      for (String id : ids) {
        JsonObject job = nodes.json(gateway, "/api/jobs/" + id);
        Long lease = job.getLong("lease");
        if (lease != null && !lease.equals(leases.get(id))) {
          moved++;
          movedRunning += "running".equals(job.getString("state")) ? 1 : 0;
        }
      }
      long now = millisSince(signalled);
      firstMoved = firstMoved < 0 && moved > 0 ? now : firstMoved;
      if (dropped < 0 && nodes.workers(gateway).stream().map(JsonObject.class::cast)
          .noneMatch(w -> name.equals(w.getString("name")))) {
        dropped = millisSince(signalled);
      }
      if (moved >= victimRunning && movedRunning >= victimRunning) {
        rerun = now;
      }
      Thread.sleep(20);
    }
    victim.kill();
    nodes.stop(victim);
    for (String id : ids) {
      nodes.delete(gateway, "/api/jobs/" + id);
    }
    nodes.await("the victim gone and the cancelled jobs ended", gateway, () -> {
      JsonArray left = nodes.workers(gateway);
      return left.size() == workers
          && left.stream().mapToInt(w -> ((JsonObject) w).getInteger("running", 0)).sum() == 0;
    });
    progress(String.format(Locale.ROOT, "%s round %d: %d jobs on the victim; first taken back %d ms, node dropped"
        + " %d ms, all running elsewhere %d ms (lease %d ms)", mode, round, victimRunning, firstMoved, dropped, rerun,
        settings.leaseMs()));
    return new JsonObject().put("round", round).put("jobsOnVictim", victimRunning).put("firstTakenBackMs", firstMoved)
        .put("nodeDroppedMs", dropped).put("allRunningElsewhereMs", rerun);
  }

  /** Submits {@code count} sleep jobs longer than the measurement; returns their ids. */
  private List<String> submit(ServerProcess gateway, int count) {
    List<String> ids = new ArrayList<>();
    String spec = new JsonObject().put("type", "sleep").put("payload", new JsonObject().put("ms", HOLD_MS)).encode();
    for (int i = 0; i < count; i++) {
      JsonObject receipt = nodes.postJson(gateway, "/api/jobs", spec);
      if (receipt.getString("id") == null) {
        throw new IllegalStateException("a failover job was refused: " + receipt);
      }
      ids.add(receipt.getString("id"));
    }
    return ids;
  }

  private int running(ServerProcess gateway, String worker) {
    return nodes.workers(gateway).stream().map(JsonObject.class::cast)
        .filter(w -> worker.equals(w.getString("name"))).mapToInt(w -> w.getInteger("running", 0)).sum();
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill " + signal + " " + pid + " exited with " + exit);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void progress(String line) {
    System.err.println("[cluster-bench] failover: " + line);
  }
}
