package io.busbar.bench.hardening;

import io.busbar.bench.common.ClassHistogram;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Shared pieces of the hardening reports: criteria, rounding, percentiles, and writing the JSON files. */
final class Report {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private Report() {
  }

  /**
   * One pass/fail criterion of a benchmark.
   *
   * @param name what is checked
   * @param target the bound, as text ({@code <= 10240 bytes})
   * @param value the measured value, as text
   * @param met whether the value is within the bound
   */
  record Criterion(String name, String target, String value, boolean met) {

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("target", target).put("value", value).put("met", met);
    }

    String line() {
      return String.format(Locale.ROOT, "  %-6s %-58s %-28s target %s", met ? "MET" : "MISSED", name, value, target);
    }
  }

  /** The criteria as a JSON array. */
  static JsonArray criteriaJson(List<Criterion> criteria) {
    JsonArray out = new JsonArray();
    criteria.forEach(c -> out.add(c.toJson()));
    return out;
  }

  /** {@code <dir>/<prefix>-<UTC yyyyMMdd-HHmmss>.json}, pretty-printed, also copied to {@code <prefix>-latest.json}. */
  static Path write(Path dir, String prefix, JsonObject results) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(prefix + "-" + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".json");
    Files.writeString(file, results.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Files.copy(file, dir.resolve(prefix + "-latest.json"), StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  /** A finite double rounded to {@code digits} decimals, or null (NaN and infinities are not JSON numbers). */
  static Double round(double value, int digits) {
    if (!Double.isFinite(value)) {
      return null;
    }
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  /** p50/p90/p99/max of a histogram of microseconds, in milliseconds. */
  static JsonObject percentilesMs(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return new JsonObject().put("count", 0);
    }
    return new JsonObject().put("count", micros.getTotalCount())
        .put("p50", round(micros.getValueAtPercentile(50) / 1000.0, 3))
        .put("p90", round(micros.getValueAtPercentile(90) / 1000.0, 3))
        .put("p99", round(micros.getValueAtPercentile(99) / 1000.0, 3))
        .put("max", round(micros.getMaxValue() / 1000.0, 3));
  }

  /** The classes that grew most between two histograms, per {@code per} (e.g. per connection). */
  static JsonArray growth(ClassHistogram before, ClassHistogram after, int limit, int per) {
    JsonArray out = new JsonArray();
    for (ClassHistogram.Delta d : after.topGrowth(before, limit)) {
      out.add(new JsonObject().put("class", d.className()).put("bytes", d.bytes())
          .put("bytesPer", round((double) d.bytes() / per, 1)).put("instancesPer", round((double) d.instances() / per, 2)));
    }
    return out;
  }

  /** Text lines of {@link #growth}, for the console. */
  static List<String> growthLines(ClassHistogram before, ClassHistogram after, int limit, int per) {
    List<String> lines = new ArrayList<>();
    for (ClassHistogram.Delta d : after.topGrowth(before, limit)) {
      lines.add(String.format(Locale.ROOT, "    %8.1f B  %6.2f obj  %s", (double) d.bytes() / per,
          (double) d.instances() / per, d.className()));
    }
    return lines;
  }

  /** A console progress line. */
  static void progress(String line) {
    System.err.println("[hardening] " + line);
  }
}
