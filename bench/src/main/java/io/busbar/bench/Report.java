package io.busbar.bench;

import io.busbar.bench.common.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders the comparisons as a text table and as JSON ({@code gateway-<timestamp>.json} + {@code gateway-latest.json}). */
final class Report {

  private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  static final String ROW = "%-8s %-10s %10s %9s %9s %9s %9s %7s  %s%n";
  private static final String CPU_ROW = "%-8s %12s %12s %7s%n";

  private final BenchConfig config;
  private final OffsetDateTime startedAt;
  private final List<Comparison> comparisons;

  Report(BenchConfig config, OffsetDateTime startedAt, List<Comparison> comparisons) {
    this.config = config;
    this.startedAt = startedAt;
    this.comparisons = comparisons;
  }

  /** One-line description of the settings and machine, used as the table title. */
  String settingsLine() {
    return String.format(Locale.ROOT,
      "prime %s s (per server: heaviest scenario first, then each scenario), warm-up %s s + measure %s s per run, %d round(s), %d cores, Java %s, server flags %s, busbar flags [%s], busbar metrics %s, bare echo in %s",
      seconds(config.prime().toMillis()), seconds(config.warmup().toMillis()), seconds(config.measure().toMillis()), config.rounds(),
      Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
      String.join(" ", config.jvmFlags()), String.join(" ", config.busbarFlags()),
      config.busbarMetrics() ? "on" : "off", config.bareEcho());
  }

  void print(PrintStream out) {
    out.println();
    out.println("Gateway round trips: bare SockJS bridge vs " + config.sutLabel());
    out.println(settingsLine());
    out.printf(Locale.ROOT, ROW, "scenario", "server", "req/s", "p50 µs", "p90 µs", "p99 µs", "max µs", "errors",
      "frames");
    for (Comparison c : comparisons) {
      printResult(out, c.baseline());
      printResult(out, c.candidate());
      out.printf(Locale.ROOT, ROW, c.scenario().name(), "ratio", ratio(c.throughputRatio()), ratio(c.p50Ratio()),
        "", ratio(c.p99Ratio()), "", "", "(" + c.candidate().server() + "/" + c.baseline().server() + ")");
    }
    out.println("server CPU per request (all threads of the server's JVM, in the measured windows):");
    out.printf(Locale.ROOT, CPU_ROW, "scenario", "bare µs", config.sutLabel() + " µs", "ratio");
    for (Comparison c : comparisons) {
      out.printf(Locale.ROOT, CPU_ROW, c.scenario().name(), micros(c.baseline().serverCpuMicrosPerRequest()),
        micros(c.candidate().serverCpuMicrosPerRequest()), ratio(c.cpuPerRequestRatio()));
    }
    for (Comparison c : comparisons) {
      printFirstError(out, c.baseline());
      printFirstError(out, c.candidate());
    }
  }

  /** Writes the timestamped JSON file and overwrites {@code gateway-latest.json}; returns the former. */
  Path write() throws IOException {
    return write(config.resultsDir(), "gateway", startedAt, toJson());
  }

  /**
   * Writes {@code json} to {@code <dir>/<name>-<yyyyMMdd-HHmmss of startedAt>.json}, copies it to
   * {@code <name>-latest.json}, and returns the former.
   */
  static Path write(Path dir, String name, OffsetDateTime startedAt, JsonObject json) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name + "-" + FILE_STAMP.format(startedAt) + ".json");
    Files.writeString(file, json.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.copy(file, dir.resolve(name + "-latest.json"), StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  JsonObject toJson() {
    JsonArray scenarios = new JsonArray();
    comparisons.forEach(c -> scenarios.add(c.toJson()));
    return new JsonObject()
      .put("benchmark", "gateway-round-trips")
      .put("startedAt", startedAt.toString())
      .put("machine", new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
          + System.getProperty("os.arch"))
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")))
      .put("settings", new JsonObject()
        .put("primeSeconds", config.prime().toMillis() / 1000.0)
        .put("warmupSeconds", config.warmup().toMillis() / 1000.0)
        .put("measureSeconds", config.measure().toMillis() / 1000.0)
        .put("rounds", config.rounds())
        .put("order", "per scenario and round: odd rounds baseline first, even rounds candidate first")
        .put("baseline", "bare")
        .put("candidate", config.sutLabel())
        .put("busbarJar", busbarJar())
        .put("serverJvmFlags", new JsonArray(new ArrayList<>(config.jvmFlags())))
        .put("busbarJvmFlags", new JsonArray(new ArrayList<>(config.busbarFlags())))
        .put("busbarMetrics", config.busbarMetrics())
        .put("bareInstances", config.bareInstances())
        .put("bareEcho", config.bareEcho())
        .put("payloadBytes", config.payloadBytes())
        .put("latencyUnit", "microseconds")
        .put("errorsCover", "whole runs: warm-up, measured window and drain"))
      .put("scenarios", scenarios);
  }

  /** Path, size and modification time of the Busbar jar that was run, to tell builds apart; null for sut=bare. */
  private JsonObject busbarJar() {
    if (!BenchConfig.SUT_BUSBAR.equals(config.sut())) {
      return null;
    }
    JsonObject jar = new JsonObject().put("path", config.busbarJar().toString());
    Path measured = ServerProcess.busbarCopy(config.logsDir());
    try {
      jar.put("bytes", Files.size(measured)).put("modified", Files.getLastModifiedTime(measured).toString());
    } catch (IOException e) {
      jar.put("unreadable", e.toString());
    }
    return jar;
  }

  private static String micros(double value) {
    return value < 0 ? "?" : String.format(Locale.ROOT, "%.1f", value);
  }

  static void printResult(PrintStream out, RunResult r) {
    out.printf(Locale.ROOT, ROW, r.scenario().name(), r.server(), String.format(Locale.ROOT, "%.0f", r.requestsPerSecond()),
      r.percentileMicros(50), r.percentileMicros(90), r.percentileMicros(99), r.maxMicros(), r.errors(),
      r.frameKind());
  }

  static void printFirstError(PrintStream out, RunResult r) {
    if (r.firstError() != null) {
      out.println("first error, " + r.scenario().name() + " " + r.server() + ": " + r.firstError());
    }
  }

  static String ratio(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
  }
}
