package io.busbar.bench.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The driver's settings, from {@code key=value} arguments. Every key, its default and meaning is in
 * {@link #DEFAULTS}; {@code env.NAME=value} adds an environment variable to each Busbar server started. Invalid
 * values fail at start-up with a message that names the key.
 *
 * @param busbarDir        working directory of the Busbar server (it reads {@code conf/} and {@code verticles/})
 * @param busbarJar        the fat jar to run; a private copy is started, so a rebuild during the run is harmless
 * @param modes            job store modes to measure, in order ({@code memory}, {@code mvstore}); {@code fake}
 *                         runs {@link FakeJobsServer} instead of Busbar
 * @param externalPort     when positive, measure an already running Busbar on this port instead of starting one
 * @param connections      WebSocket connections in the throughput phase
 * @param inFlight         jobs in flight in the throughput phase, split evenly over the connections
 * @param warmup           throughput phase: not measured
 * @param duration         throughput phase: measured
 * @param latencyWarmup    latency phase: jobs before measuring (one in flight)
 * @param latencyJobs      latency phase: measured jobs (one in flight)
 * @param jobTimeout       a job with no terminal event after this long is counted lost and its slot reused
 * @param drain            after a phase: how long to wait for jobs still in flight
 * @param stall            a phase fails when no job succeeds for this long
 * @param readyTimeout     how long a started server has to answer {@code GET /ready} with 200
 * @param queue            the job queue named in each submission
 * @param jobType          the job type named in each submission
 * @param eventLoops       the driver's event-loop threads
 * @param jvmFlags         extra JVM options for the Busbar server
 * @param serverEnv        extra environment for the Busbar server
 * @param bullmqResult     JSON written by {@code bullmq/bench.mjs}; when set the output is a side-by-side comparison
 * @param out              the JSON result path; empty means {@code <resultsDir>/jobs-compare-<ts>.json} (or
 *                         {@code jobs-busbar-<ts>.json} without a BullMQ result)
 * @param resultsDir       where default-named results go
 * @param logsDir          server logs and the private jar copy
 */
record JobsBenchConfig(Path busbarDir, Path busbarJar, List<String> modes, int externalPort, int connections,
                       int inFlight, Duration warmup, Duration duration, int latencyWarmup, int latencyJobs,
                       Duration jobTimeout, Duration drain, Duration stall, Duration readyTimeout, String queue,
                       String jobType, int eventLoops, List<String> jvmFlags, Map<String, String> serverEnv,
                       Path bullmqResult, Path out, Path resultsDir, Path logsDir) {

  /** Keys, defaults and one-line help, in the order {@code help} prints them. */
  static final Map<String, String[]> DEFAULTS = new LinkedHashMap<>();

  static {
    key("busbar.dir", ".", "Busbar working directory (conf/, verticles/)");
    key("busbar.jar", "", "fat jar (default <busbar.dir>/target/busbar.jar)");
    key("modes", "memory,mvstore", "job stores to measure: memory, mvstore");
    key("port", "0", "measure an already running Busbar on this port (mode label 'external')");
    key("sut", "busbar", "busbar, or fake: FakeJobsServer in Busbar's place (checks the driver; mode 'fake')");
    key("connections", "4", "throughput phase: WebSocket connections");
    key("inflight", "1000", "throughput phase: jobs in flight, split over the connections");
    key("warmup.s", "40", "throughput phase: warm-up seconds (JIT: a JVM compiles for about 35 s on 2 cores)");
    key("duration.s", "20", "throughput phase: measured seconds");
    key("latency.warmup", "10000", "latency phase: warm-up jobs (1 in flight)");
    key("latency.jobs", "10000", "latency phase: measured jobs (1 in flight)");
    key("job.timeout.ms", "10000", "a job without a terminal event after this is lost");
    key("drain.ms", "30000", "wait for jobs in flight after a phase");
    key("stall.ms", "10000", "fail a phase when no job succeeds for this long");
    key("ready.timeout.s", "60", "server start-up deadline (GET /ready == 200)");
    key("queue", "default", "queue named in submissions");
    key("type", "noop", "job type named in submissions");
    key("event.loops", "2", "driver event-loop threads");
    key("jvm.flags", "", "Busbar server JVM options, space separated");
    key("bullmq.result", "", "JSON from bullmq/bench.mjs to compare with");
    key("out", "", "JSON result path");
    key("results.dir", "bench/results", "where default-named results go (relative to busbar.dir)");
    key("logs.dir", "", "server logs (default: a temp directory)");
  }

  private static void key(String name, String value, String help) {
    DEFAULTS.put(name, new String[] {value, help});
  }

  /** Parses {@code key=value} arguments; {@code help} prints the keys and exits. */
  static JobsBenchConfig parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    DEFAULTS.forEach((k, v) -> values.put(k, v[0]));
    Map<String, String> env = new TreeMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String key = eq < 0 ? arg : arg.substring(0, eq);
      if (key.startsWith("env.") && eq > 4) {
        env.put(key.substring(4), arg.substring(eq + 1));
      } else if (eq > 0 && DEFAULTS.containsKey(key)) {
        values.put(key, arg.substring(eq + 1));
      } else {
        throw new IllegalArgumentException("unknown argument \"" + arg + "\"; expected key=value with key one of "
          + DEFAULTS.keySet() + " or env.NAME");
      }
    }
    Path busbarDir = Path.of(values.get("busbar.dir")).toAbsolutePath().normalize();
    String jar = values.get("busbar.jar");
    int connections = positive(values, "connections");
    int inFlight = positive(values, "inflight");
    if (inFlight < connections) {
      throw new IllegalArgumentException("inflight (" + inFlight + ") must be at least connections (" + connections
        + ")");
    }
    List<String> modes = new ArrayList<>();
    for (String mode : values.get("modes").split(",")) {
      if (!mode.isBlank()) {
        String m = mode.strip();
        if (!m.equals("memory") && !m.equals("mvstore")) {
          throw new IllegalArgumentException("modes: unknown store \"" + m + "\"; expected memory or mvstore");
        }
        modes.add(m);
      }
    }
    int port = nonNegative(values, "port");
    if (modes.isEmpty() && port == 0) {
      throw new IllegalArgumentException("modes: at least one of memory, mvstore");
    }
    String sut = values.get("sut");
    if (!sut.equals("busbar") && !sut.equals("fake")) {
      throw new IllegalArgumentException("sut must be busbar or fake, got \"" + sut + "\"");
    }
    String flags = values.get("jvm.flags").strip();
    return new JobsBenchConfig(busbarDir,
      jar.isEmpty() ? busbarDir.resolve("target/busbar.jar") : Path.of(jar).toAbsolutePath(),
      port > 0 ? List.of("external") : sut.equals("fake") ? List.of("fake") : List.copyOf(modes), port, connections, inFlight,
      Duration.ofSeconds(nonNegative(values, "warmup.s")), Duration.ofSeconds(positive(values, "duration.s")),
      nonNegative(values, "latency.warmup"), positive(values, "latency.jobs"),
      Duration.ofMillis(positive(values, "job.timeout.ms")), Duration.ofMillis(nonNegative(values, "drain.ms")),
      Duration.ofMillis(positive(values, "stall.ms")), Duration.ofSeconds(positive(values, "ready.timeout.s")),
      values.get("queue"), values.get("type"), positive(values, "event.loops"),
      flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+")), Map.copyOf(env),
      path(values.get("bullmq.result")), path(values.get("out")),
      busbarDir.resolve(values.get("results.dir")).normalize(), path(values.get("logs.dir")));
  }

  /** The lines {@code help} prints. */
  static String help() {
    StringBuilder text = new StringBuilder("arguments (key=value):\n");
    DEFAULTS.forEach((k, v) -> text.append(String.format("  %-16s %-16s %s%n", k, v[0].isEmpty() ? "-" : v[0], v[1])));
    text.append("  env.NAME=value   extra environment for each Busbar server (e.g. env.BUSBAR_JOBS_FSYNC=true)\n");
    return text.toString();
  }

  private static Path path(String value) {
    return value.isBlank() ? null : Path.of(value).toAbsolutePath();
  }

  private static int positive(Map<String, String> values, String key) {
    int n = integer(values, key);
    if (n < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + n);
    }
    return n;
  }

  private static int nonNegative(Map<String, String> values, String key) {
    int n = integer(values, key);
    if (n < 0) {
      throw new IllegalArgumentException(key + " must not be negative, got " + n);
    }
    return n;
  }

  private static int integer(Map<String, String> values, String key) {
    try {
      return Integer.parseInt(values.get(key).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got \"" + values.get(key) + "\"", e);
    }
  }
}
