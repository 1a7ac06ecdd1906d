package io.busbar.bench.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's table and JSON: each system's two phases side by side and, when a BullMQ result is given, the ratios
 * issue 4 sets targets for (throughput busbar/bullmq: in-memory at least 10, durable at least 3; low-load p99
 * busbar/bullmq at most 1/3).
 */
final class Report {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
    .withZone(ZoneOffset.UTC);

  private final JobsBenchConfig config;
  private final Instant startedAt;
  private final double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  private final Map<String, JsonObject> systems = new LinkedHashMap<>();
  private JsonObject bullmq;

  Report(JobsBenchConfig config, Instant startedAt) {
    this.config = config;
    this.startedAt = startedAt;
  }

  void addBusbar(String mode, JsonObject result) {
    systems.put("busbar-" + mode, result);
  }

  void addBullmq(JsonObject result) {
    bullmq = result;
  }

  /** Writes the JSON result and returns its path. */
  Path write() throws IOException {
    Path file = config.out() != null ? config.out()
      : config.resultsDir().resolve((bullmq != null ? "jobs-compare-" : "jobs-busbar-") + STAMP.format(startedAt)
        + ".json");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, toJson().encodePrettily() + "\n");
    return file;
  }

  JsonObject toJson() {
    JsonObject busbar = new JsonObject();
    systems.forEach(busbar::put);
    JsonObject machine = new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
      .put("loadAvgAtStart", round(loadAtStart))
      .put("loadAvgAtEnd", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
      .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    JsonObject jar = new JsonObject().put("path", config.busbarJar().toString());
    try {
      jar.put("modified", Files.getLastModifiedTime(config.busbarJar()).toInstant().toString());
    } catch (IOException e) {
      jar.put("modified", null);
    }
    JsonObject settings = new JsonObject().put("connections", config.connections()).put("inFlight", config.inFlight())
      .put("warmupS", config.warmup().toSeconds()).put("durationS", config.duration().toSeconds())
      .put("latencyWarmupJobs", config.latencyWarmup()).put("latencyJobs", config.latencyJobs())
      .put("queue", config.queue()).put("type", config.jobType()).put("jvmFlags", String.join(" ", config.jvmFlags()))
      .put("serverEnv", new JsonObject(Map.copyOf(config.serverEnv())))
      .put("measure", "submit frame written -> 'succeeded' event for that job id received, in the driver");
    return new JsonObject().put("kind", bullmq != null ? "jobs-compare" : "jobs-busbar")
      .put("startedAt", startedAt.toString()).put("finishedAt", Instant.now().toString()).put("machine", machine)
      .put("busbarJar", jar).put("settings", settings).put("bullmq", bullmq).put("busbar", busbar)
      .put("ratios", ratios());
  }

  void print(PrintStream out) {
    out.printf("%nJob benchmarks (issue 4): no-op jobs, submit -> completion event; %d cores, load %.2f at start%n",
      Runtime.getRuntime().availableProcessors(), loadAtStart);
    out.printf("%-16s %-40s | %-29s |%n", "", "throughput (" + config.inFlight() + " in flight)",
      "latency (1 in flight)");
    out.printf("%-16s %9s %9s %9s %10s | %9s %9s %9s | %7s %6s%n", "system", "jobs/s", "p50 ms", "p99 ms",
      "CPU ms/1k", "p50 ms", "p99 ms", "p99.9 ms", "errors", "lost");
    if (bullmq != null) {
      printRow(out, "bullmq", bullmq);
    }
    systems.forEach((name, result) -> printRow(out, name, result));
    JsonArray ratios = ratios();
    if (!ratios.isEmpty()) {
      out.println();
      for (Object o : ratios) {
        JsonObject r = (JsonObject) o;
        out.printf("%-44s %8s  (target %s %s) %s%n", r.getString("name"), r.getValue("value") == null ? "n/a"
          : String.format("%.2f", r.getDouble("value")), r.getString("comparison"), r.getString("targetText"),
          r.getValue("met") == null ? "" : r.getBoolean("met") ? "MET" : "MISSED");
      }
    }
  }

  private static void printRow(PrintStream out, String name, JsonObject result) {
    if (result.getString("failed") != null) {
      out.printf("%-16s FAILED: %s%n", name, result.getString("failed"));
      return;
    }
    JsonObject t = result.getJsonObject("throughput", new JsonObject());
    JsonObject l = result.getJsonObject("latency", new JsonObject());
    JsonObject tl = t.getJsonObject("latencyMs", new JsonObject());
    JsonObject ll = l.getJsonObject("latencyMs", new JsonObject());
    long errors = count(t, "errors") + count(t, "jobFailures") + count(l, "errors") + count(l, "jobFailures");
    Object cpu = t.getJsonObject("cpu", new JsonObject()).getValue("msPer1000Jobs");
    out.printf("%-16s %9s %9s %9s %10s | %9s %9s %9s | %7d %6d%n", name, text(t.getValue("jobsPerSecond")),
      text(tl.getValue("p50")), text(tl.getValue("p99")), text(cpu), text(ll.getValue("p50")), text(ll.getValue("p99")),
      text(ll.getValue("p999")), errors, count(t, "lost") + count(l, "lost"));
    for (String phase : new String[] {"throughput", "latency"}) {
      JsonObject p = result.getJsonObject(phase, new JsonObject());
      if (p.getString("failed") != null) {
        out.printf("%-16s   %s FAILED: %s%n", "", phase, p.getString("failed"));
      }
    }
  }

  private JsonArray ratios() {
    JsonArray ratios = new JsonArray();
    if (bullmq == null) {
      return ratios;
    }
    Double bullmqRate = number(bullmq, "throughput", "jobsPerSecond");
    Double bullmqP99 = number(bullmq, "latency", "latencyMs", "p99");
    ratio(ratios, "throughput busbar-memory / bullmq", number(systems.get("busbar-memory"), "throughput",
      "jobsPerSecond"), bullmqRate, ">=", 10.0, "10");
    ratio(ratios, "throughput busbar-mvstore / bullmq", number(systems.get("busbar-mvstore"), "throughput",
      "jobsPerSecond"), bullmqRate, ">=", 3.0, "3");
    ratio(ratios, "low-load p99 busbar-memory / bullmq", number(systems.get("busbar-memory"), "latency",
      "latencyMs", "p99"), bullmqP99, "<=", 1.0 / 3, "1/3");
    ratio(ratios, "low-load p99 busbar-mvstore / bullmq", number(systems.get("busbar-mvstore"), "latency",
      "latencyMs", "p99"), bullmqP99, "<=", 1.0 / 3, "1/3");
    return ratios;
  }

  private void ratio(JsonArray out, String name, Double busbar, Double base, String comparison, double target,
                     String targetText) {
    String system = name.contains("memory") ? "busbar-memory" : "busbar-mvstore";
    if (!systems.containsKey(system)) {
      return;
    }
    Double value = busbar == null || base == null || base == 0 ? null : round(busbar / base);
    Boolean met = value == null ? null : comparison.equals(">=") ? value >= target : value <= target;
    out.add(new JsonObject().put("name", name).put("value", value).put("comparison", comparison)
      .put("target", round(target)).put("targetText", targetText).put("met", met));
  }

  private static Double number(JsonObject root, String... path) {
    Object node = root;
    for (String key : path) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(key);
    }
    return node instanceof Number n ? n.doubleValue() : null;
  }

  private static long count(JsonObject phase, String key) {
    return phase.getValue(key) instanceof Number n ? n.longValue() : 0;
  }

  private static String text(Object value) {
    return value == null ? "-" : value.toString();
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
