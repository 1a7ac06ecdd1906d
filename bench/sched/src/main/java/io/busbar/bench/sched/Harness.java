package io.busbar.bench.sched;

import io.busbar.bench.common.BenchArgs;
import io.busbar.bench.common.ServerProcess;
import io.busbar.bench.sched.Schedule.Arrival;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What both drivers share: the settings common to both, one Busbar process with the driver's queues and pools, one
 * bridge socket, the overhead calibration, and replaying a schedule into finished {@link JobSample}s.
 */
final class Harness implements AutoCloseable {

  /** The job type every benchmark job has; it blocks for {@code payload.ms}. */
  static final String SLEEP = "sleep";
  static final int CALIBRATION_MS = 10;
  static final int CALIBRATION_ROUND_SECONDS = 3;

  private final ServerProcess server;
  private final Vertx vertx;
  private final JobsSocket socket;
  private final Duration drainTimeout;
  private double[] lastLateness = {Double.NaN, Double.NaN};
  private List<QueuePoller.Poll> lastPolls = List.of();

  private Harness(ServerProcess server, Vertx vertx, JobsSocket socket, Duration drainTimeout) {
    this.server = server;
    this.vertx = vertx;
    this.socket = socket;
    this.drainTimeout = drainTimeout;
  }

  /** The common settings with their defaults; paths are relative to the working directory (bench/sched). */
  static Map<String, String> commonDefaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("busbar.dir", "../..");
    defaults.put("busbar.jar", "target/busbar.jar");
    defaults.put("results", "bench/results");
    defaults.put("work", "target");
    defaults.put("config", "embedded");
    defaults.put("jvm.flags", "-Xmx512m");
    defaults.put("ready.timeout", "90");
    defaults.put("drain.timeout", "60");
    return defaults;
  }

  /**
   * Starts Busbar with the given {@code BUSBAR_JOBS_QUEUES} and {@code BUSBAR_JOBS_POOLS} (JSON), waits for
   * {@code /ready} and opens the socket. Stops the server again if any step fails.
   */
  static Harness start(BenchArgs args, JsonObject queues, JsonObject pools) throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    Path busbarDir = args.path("busbar.dir", cwd);
    Path jar = args.path("busbar.jar", busbarDir);
    Path work = args.path("work", cwd);
    List<String> flags = Arrays.stream(args.string("jvm.flags").trim().split("\\s+")).filter(f -> !f.isEmpty())
        .toList();
    Duration ready = Duration.ofSeconds(args.whole("ready.timeout", 1, 600));
    Duration drain = Duration.ofSeconds(args.whole("drain.timeout", 1, 600));
    Map<String, String> env = new HashMap<>(Map.of("BUSBAR_JOBS_QUEUES", queues.encode(),
        "BUSBAR_JOBS_POOLS", pools.encode()));
    String config = args.string("config");
    if (config.equals("embedded")) {
      // Only the jar's own defaults and descriptors: conf/ and verticles/ in the working tree may be ahead of (or
      // behind) the jar while others edit them, and a key the jar does not know stops it at start-up.
      Files.createDirectories(work);
      Path empty = Files.writeString(work.resolve("busbar-empty-config.json"), "{}\n");
      env.put("BUSBAR_CONFIG", empty.toString());
      env.put("BUSBAR_DEPLOY_DIR", work.resolve("no-descriptors").toString());
    } else if (!config.equals("repo")) {
      throw new BenchArgs.BadSetting("config", "embedded or repo, got \"" + config + "\"");
    }
    ServerProcess server = ServerProcess.busbar(busbarDir, jar).logsDir(work)
        .logName("busbar-" + System.currentTimeMillis() + ".log").jvmFlags(flags)
        .env("BUSBAR_JOBS_STORE", "memory").env(env).start();
    Vertx vertx = null;
    try {
      server.awaitReady(ready);
      vertx = Vertx.vertx();
      JobsSocket socket = JobsSocket.open(vertx, server.port(), Duration.ofSeconds(30));
      return new Harness(server, vertx, socket, drain);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      server.close();
      throw e;
    }
  }

  /** The results directory. */
  static Path resultsDir(BenchArgs args) {
    Path cwd = Path.of("").toAbsolutePath();
    return args.path("results", args.path("busbar.dir", cwd));
  }

  ServerProcess server() {
    return server;
  }

  /**
   * The result of {@link #calibrate}: the mean overhead of each round, ms, and the value used (the last round's).
   *
   * @param roundMeansMs mean overhead of each round, in order
   * @param overheadMs the calibrated overhead: the last round's mean (0 when calibration is off)
   * @param jobs calibration jobs run
   */
  record Calibration(List<Double> roundMeansMs, double overheadMs, int jobs) {
    JsonObject toJson() {
      JsonArray rounds = new JsonArray();
      roundMeansMs.forEach(m -> rounds.add(RunInfo.num(m, 3)));
      return new JsonObject().put("sleepMs", CALIBRATION_MS).put("roundSeconds", CALIBRATION_ROUND_SECONDS)
          .put("jobs", jobs).put("roundMeanOverheadMs", rounds).put("meanOverheadMs", RunInfo.num(overheadMs, 3));
    }
  }

  /**
   * Warms Busbar up and measures its per-job overhead (measured service time minus the requested sleep): rounds of
   * {@value #CALIBRATION_ROUND_SECONDS} s of {@value #CALIBRATION_MS} ms jobs at 60% load on each queue (all queues
   * at once), until two rounds in a row agree within 0.25 ms or 15%, or {@code maxSeconds} have been spent. A cold
   * server costs several ms (up to 20) per job at first, while JIT compilation competes for the 2 cores.
   */
  Calibration calibrate(List<String> queues, int servers, double maxSeconds) throws InterruptedException {
    List<Double> means = new ArrayList<>();
    int jobs = 0;
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    double rate = 0.6 * servers * 1000.0 / CALIBRATION_MS;
    while (maxSeconds > 0 && System.nanoTime() < deadline) {
      Schedule schedule = Schedule.poisson(ServiceDistribution.constant(CALIBRATION_MS), rate,
          CALIBRATION_ROUND_SECONDS, 99 + means.size(), ms -> 0);
      List<JobSample> round = replay(schedule, queues, "cal" + means.size(), Harness::sleepSpec);
      jobs += round.size();
      means.add(round.stream().mapToLong(JobSample::overheadMs).average().orElse(0));
      int n = means.size();
      if (n >= 2 && Math.abs(means.get(n - 1) - means.get(n - 2)) <= Math.max(0.25, 0.15 * means.get(n - 2))) {
        break;
      }
    }
    return new Calibration(List.copyOf(means), means.isEmpty() ? 0 : means.get(means.size() - 1), jobs);
  }

  /**
   * How much {@code Thread.sleep(10)} oversleeps in this (driver) JVM on this machine, mean over {@code count}
   * sleeps, ms: the part of Busbar's per-job overhead that any sleeping job would show here.
   */
  static double driverSleepOvershootMs(int count) throws InterruptedException {
    double sum = 0;
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      Thread.sleep(CALIBRATION_MS);
      sum += (System.nanoTime() - start) / 1e6 - CALIBRATION_MS;
    }
    return sum / count;
  }

  /** A {@code sleep} job of an arrival on a queue, without cost or priority. */
  static JsonObject sleepSpec(Arrival arrival, String queue) {
    return new JsonObject().put("type", SLEEP).put("queue", queue)
        .put("payload", new JsonObject().put("ms", arrival.serviceMs()));
  }

  /**
   * Plays the schedule into the queues, waits for every job to end and returns them in submission order. Fails if a
   * job is missing at the drain deadline, a job did not succeed, or the bridge reported an error.
   */
  List<JobSample> replay(Schedule schedule, List<String> queues, String tag,
      BiFunction<Arrival, String, JsonObject> specOf) throws InterruptedException {
    Replayer.Result played;
    try (QueuePoller poller = new QueuePoller(server, 2_000)) {
      played = Replayer.play(schedule, queues, tag, specOf, socket, server::checkAlive);
      lastPolls = poller.polls();
    }
    if (!socket.awaitFinal(played.keys(), drainTimeout)) {
      server.checkAlive();
      long missing = played.keys().stream().filter(k -> socket.finalJob(k) == null).count();
      throw new IllegalStateException(missing + " of " + played.keys().size() + " jobs (" + tag
          + ") had not ended " + drainTimeout.toSeconds() + " s after the last submission (raise drain.timeout)");
    }
    if (socket.errorCount() > 0) {
      throw new IllegalStateException(socket.errorCount() + " errors on the bridge socket: " + socket.errors());
    }
    lastLateness = new double[] {played.meanLateMicros(), played.p99LateMicros()};
    List<JobSample> samples = new ArrayList<>(played.keys().size());
    for (String key : played.keys()) {
      int index = Integer.parseInt(key.substring(key.lastIndexOf('/') + 1));
      String queue = key.substring(0, key.indexOf('/'));
      samples.add(JobSample.of(schedule.arrivals().get(index), queue, socket.finalJob(key), socket.receipt(key),
          socket.sentAtMs(key)));
    }
    return samples;
  }

  /** Mean and p99 lateness of the last replay's submissions behind schedule, µs. */
  double[] lastLatenessMicros() {
    return lastLateness.clone();
  }

  /** The {@code /api/queues} polls of the last replay (every 2 s while it played). */
  List<QueuePoller.Poll> lastQueuePolls() {
    return lastPolls;
  }

  @Override
  public void close() {
    try {
      socket.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // The figures are already taken; a slow client close must not keep the server running.
    } finally {
      server.close();
    }
  }
}
