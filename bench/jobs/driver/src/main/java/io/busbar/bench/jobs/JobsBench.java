package io.busbar.bench.jobs;

import com.sun.management.OperatingSystemMXBean;
import io.busbar.bench.jobs.JobsConnection.ConnectionStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Job benchmark driver (issue 4): for each store mode, starts the Busbar jar, then measures no-op jobs end to
 * end over the bridge WebSocket exactly as {@code bullmq/bench.mjs} measures BullMQ. Phases, in this order:
 * <ol>
 *   <li>throughput: {@code inflight} jobs in flight over {@code connections} sockets, each terminal event
 *       submitting the next job; jobs/s = succeeded events in the measured interval / its length;</li>
 *   <li>latency: one socket, one job in flight; submit-to-{@code succeeded}-event percentiles.</li>
 * </ol>
 * Every wait is bounded. With {@code bullmq.result=<json>} the output is a side-by-side comparison with ratios.
 * Usage: {@code java -cp 'target/busbar-bench-jobs.jar:target/lib/*' io.busbar.bench.jobs.JobsBench key=value…}
 * ({@code help} lists the keys). Exit code 0 when every phase ran, 1 when one failed, 2 on bad arguments.
 */
public final class JobsBench {

  private static final long WATCH_INTERVAL_MS = 100;
  private static final int FAIL_FAST_ERRORS = 50;

  private final JobsBenchConfig config;
  private final Vertx vertx;
  private final WebSocketClient client;
  private BusbarServer server;

  private JobsBench(JobsBenchConfig config) {
    this.config = config;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setClosingTimeout(2));
  }

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("help")) {
      System.out.print(JobsBenchConfig.help());
      return;
    }
    JobsBenchConfig config;
    try {
      config = JobsBenchConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("jobs bench: invalid argument: " + e.getMessage());
      System.err.print(JobsBenchConfig.help());
      System.exit(2);
      return;
    }
    JobsBench bench = new JobsBench(config);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::killServer, "jobs-bench-shutdown"));
    int code;
    try {
      code = bench.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("jobs bench: interrupted");
      code = 1;
    } catch (Exception e) {
      System.err.println("jobs bench failed: " + e);
      code = 1;
    } finally {
      bench.closeVertx();
    }
    System.exit(code);
  }

  private int run() throws Exception {
    Instant startedAt = Instant.now();
    Path logsDir = config.logsDir() != null ? Files.createDirectories(config.logsDir())
      : Files.createTempDirectory("busbar-jobs-bench-");
    Report report = new Report(config, startedAt);
    boolean allRan = true;
    for (String mode : config.modes()) {
      progress("Busbar " + mode + ": starting");
      JsonObject result = measureMode(mode, logsDir);
      report.addBusbar(mode, result);
      allRan &= !result.containsKey("failed") && !result.getJsonObject("throughput", new JsonObject()).containsKey("failed")
        && !result.getJsonObject("latency", new JsonObject()).containsKey("failed");
    }
    if (config.bullmqResult() != null) {
      report.addBullmq(new JsonObject(Files.readString(config.bullmqResult())));
    }
    Path file = report.write();
    report.print(System.out);
    System.out.println("JSON: " + file);
    System.out.println("server logs: " + logsDir);
    return allRan ? 0 : 1;
  }

  /** One store mode: start the server, run both phases, stop it. Failures become a {@code failed} field. */
  private JsonObject measureMode(String mode, Path logsDir) throws InterruptedException {
    JsonObject result = new JsonObject().put("system", "busbar-" + mode).put("store", mode);
    List<JobsConnection> connections = new ArrayList<>();
    try {
      int port = config.externalPort();
      if (port == 0) {
        server = BusbarServer.start(config, mode, logsDir);
        server.awaitReady(config.readyTimeout());
        port = server.port();
        result.put("serverLog", server.log().toString());
      }
      for (int i = 0; i < config.connections(); i++) {
        JobsConnection connection = new JobsConnection(vertx.getOrCreateContext(), i, config.queue(),
          config.jobType(), config.jobTimeout().toNanos());
        connections.add(connection);
        connection.open(client, port).await(10, TimeUnit.SECONDS);
      }
      progress("Busbar " + mode + ": throughput phase (" + config.inFlight() + " in flight over "
        + config.connections() + " connections, " + config.warmup().toSeconds() + " s warm-up + "
        + config.duration().toSeconds() + " s)");
      PhaseResult throughput = throughput(connections);
      result.put("throughput", throughput.toJson());
      progress("Busbar " + mode + ": latency phase (1 in flight, " + config.latencyWarmup() + " + "
        + config.latencyJobs() + " jobs)");
      PhaseResult latency = latency(connections.get(0));
      result.put("latency", latency.toJson());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      result.put("failed", String.valueOf(e.getMessage() == null ? e : e.getMessage()));
      progress("Busbar " + mode + ": " + result.getString("failed"));
    } finally {
      closeAll(connections);
      if (server != null) {
        server.close();
        server = null;
      }
    }
    return result;
  }

  private PhaseResult throughput(List<JobsConnection> connections) throws InterruptedException, TimeoutException {
    PhaseControl control = PhaseControl.timed();
    int n = connections.size();
    for (int i = 0; i < n; i++) {
      connections.get(i).start(control, config.inFlight() / n + (i < config.inFlight() % n ? 1 : 0));
    }
    long started = System.nanoTime();
    String failure = watch(connections, started + config.warmup().toNanos(), () -> false);
    CpuSample cpu0 = cpuSample();
    long completed0 = succeeded(connections);
    long from = control.startMeasuring();
    if (failure == null) {
      failure = watch(connections, from + config.duration().toNanos(), () -> false);
    }
    long to = control.stopMeasuring();
    long completed = succeeded(connections) - completed0;
    CpuSample cpu1 = cpuSample();
    control.stop();
    List<ConnectionStats> stats = finish(connections, failure == null ? config.drain() : Duration.ofSeconds(5));
    JsonObject shape = new JsonObject().put("inFlight", config.inFlight()).put("connections", n)
      .put("warmupS", config.warmup().toSeconds());
    return new PhaseResult("throughput", shape, failure, stats)
      .timing((to - from) / 1e9, (System.nanoTime() - started) / 1e9).cpu(cpu0.until(cpu1, to - from, completed));
  }

  private PhaseResult latency(JobsConnection connection) throws InterruptedException, TimeoutException {
    PhaseControl control = PhaseControl.counted(config.latencyWarmup(), config.latencyJobs());
    connection.start(control, 1);
    Future<Void> drained = connection.drained();
    long started = System.nanoTime();
    String failure = watch(List.of(connection), Long.MAX_VALUE, drained::isComplete);
    control.stop();
    List<ConnectionStats> stats = finish(List.of(connection), Duration.ofSeconds(5));
    JsonObject shape = new JsonObject().put("inFlight", 1).put("warmupJobs", config.latencyWarmup())
      .put("jobs", config.latencyJobs());
    return new PhaseResult("latency", shape, failure, stats).timing(0, (System.nanoTime() - started) / 1e9);
  }

  /**
   * Waits until {@code deadline} (nanoTime) or until {@code done}; returns why the phase must stop early, or null.
   * Stops early when no job has succeeded for {@code stall.ms}, when every one of the first submissions failed,
   * or when the server has exited.
   */
  private String watch(List<JobsConnection> connections, long deadline, BooleanSupplier done)
      throws InterruptedException {
    long succeeded0 = succeeded(connections);
    long failed0 = failed(connections);
    long lastSucceeded = succeeded0;
    long lastProgress = System.nanoTime();
    while (System.nanoTime() < deadline && !done.getAsBoolean()) {
      Thread.sleep(WATCH_INTERVAL_MS);
      long now = System.nanoTime();
      long succeeded = succeeded(connections);
      long failed = failed(connections) - failed0;
      if (server != null) {
        try {
          server.checkAlive();
        } catch (IllegalStateException e) {
          return e.getMessage();
        }
      }
      if (succeeded == succeeded0 && failed >= FAIL_FAST_ERRORS) {
        return "all of the first " + failed + " submissions failed; first error: " + firstError(connections);
      }
      if (succeeded > lastSucceeded) {
        lastSucceeded = succeeded;
        lastProgress = now;
      } else if (now - lastProgress > config.stall().toNanos()) {
        return "stalled: no job succeeded for " + config.stall().toMillis() + " ms (" + (succeeded - succeeded0)
          + " succeeded, " + failed + " failed so far; first error: " + firstError(connections) + ")";
      }
    }
    return null;
  }

  /** Waits up to {@code drain} for jobs in flight, then counts the rest lost and collects the statistics. */
  private List<ConnectionStats> finish(List<JobsConnection> connections, Duration drain)
      throws InterruptedException, TimeoutException {
    try {
      Future.join(connections.stream().map(JobsConnection::drained).toList())
        .await(Math.max(1, drain.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      progress("jobs still in flight after " + drain.toMillis() + " ms; counting them lost");
    }
    List<ConnectionStats> stats = new ArrayList<>();
    for (JobsConnection connection : connections) {
      stats.add(connection.finishPhase().await(5, TimeUnit.SECONDS));
    }
    return stats;
  }

  /** CPU time used so far by the server (-1 when unknown, e.g. {@code port=}) and by this driver, in ns. */
  private record CpuSample(long server, long driver) {

    /** The difference as JSON: ms per process, cores used over {@code wallNanos}, CPU ms per 1,000 jobs. */
    JsonObject until(CpuSample later, long wallNanos, long jobs) {
      double serverMs = server < 0 ? 0 : (later.server - server) / 1e6;
      double driverMs = (later.driver - driver) / 1e6;
      double totalMs = serverMs + driverMs;
      return new JsonObject().put("serverMs", server < 0 ? null : round(serverMs)).put("driverMs", round(driverMs))
        .put("totalMs", round(totalMs)).put("coresUsed", round(totalMs * 1e6 / wallNanos))
        .put("msPer1000Jobs", jobs > 0 ? round(totalMs * 1000 / jobs) : null);
    }

    private static double round(double value) {
      return Math.round(value * 1000.0) / 1000.0;
    }
  }

  private CpuSample cpuSample() {
    long driver = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new CpuSample(server == null ? -1 : server.cpuNanos(), driver);
  }

  private static void closeAll(List<JobsConnection> connections) {
    try {
      Future.join(connections.stream().map(JobsConnection::close).toList()).await(5, TimeUnit.SECONDS);
    } catch (TimeoutException | RuntimeException e) {
      progress("closing connections: " + e);
    }
  }

  private static String firstError(List<JobsConnection> connections) {
    return connections.stream().map(JobsConnection::firstErrorSoFar).filter(e -> e != null).findFirst()
      .orElse("none");
  }

  private static long succeeded(List<JobsConnection> connections) {
    return connections.stream().mapToLong(JobsConnection::succeededSoFar).sum();
  }

  private static long failed(List<JobsConnection> connections) {
    return connections.stream().mapToLong(JobsConnection::failedSoFar).sum();
  }

  private void closeVertx() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (TimeoutException | RuntimeException e) {
      progress("closing Vert.x: " + e);
    }
  }

  private void killServer() {
    BusbarServer running = server;
    if (running != null) {
      running.kill();
    }
  }

  static void progress(String line) {
    System.err.println("[jobs-bench] " + line);
  }
}
