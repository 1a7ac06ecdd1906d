package io.busbar.bench.sched;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The machine a run happened on, and writing its results file. */
final class RunInfo {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private RunInfo() {
  }

  /** Cores, OS, Java, and the load average now. */
  static JsonObject machine() {
    return new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
        .put("loadAverage", loadAverage());
  }

  /** The first three fields of /proc/loadavg, or "unknown". */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** {@code <dir>/<prefix>-<UTC yyyyMMdd-HHmmss>.json}, pretty-printed. */
  static Path write(Path dir, String prefix, JsonObject results) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(prefix + "-" + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".json");
    Files.writeString(file, results.encodePrettily() + "\n", StandardCharsets.UTF_8);
    return file;
  }

  /** A finite double, or null for JSON (NaN and infinities are not JSON numbers). */
  static Double num(double value, int digits) {
    return Double.isFinite(value) ? Stats.round(value, digits) : null;
  }
}
