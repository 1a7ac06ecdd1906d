package io.busbar.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Where a clustered node's start-up time goes, read from its log (lines start with {@code HH:mm:ss.SSS}): the JVM
 * and the launcher until {@code Starting clustering...}; Hazelcast until the member list that includes this member
 * ({@code Members {size:…}}, printed under a log line of Hazelcast's ClusterService); Busbar's deployments until
 * {@code Busbar node ready}. Milliseconds; a phase whose line is missing is left out.
 */
final class StartPhases {

  private StartPhases() {
  }

  static JsonObject of(Path log, LocalTime launched) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new JsonObject().put("unreadable", e.toString());
    }
    LocalTime clustering = null;
    LocalTime joined = null;
    LocalTime ready = null;
    String lastTimed = "";   // Hazelcast logs the member list below its log line, after a blank line
    for (String line : lines) {
      if (clustering == null && line.contains("Starting clustering")) {
        clustering = time(line);
      } else if (joined == null && line.startsWith("Members {size:") && lastTimed.contains("ClusterService")) {
        joined = time(lastTimed);
      } else if (ready == null && line.contains("Busbar node ready")) {
        ready = time(line);
      }
      if (time(line) != null) {
        lastTimed = line;
      }
    }
    JsonObject phases = new JsonObject();
    put(phases, "jvmAndLauncher", launched, clustering);
    put(phases, "hazelcastJoin", clustering, joined);
    put(phases, "busbarDeploy", joined, ready);
    return phases;
  }

  private static void put(JsonObject phases, String name, LocalTime from, LocalTime to) {
    if (from != null && to != null) {
      phases.put(name, from.until(to, ChronoUnit.MILLIS));
    }
  }

  private static LocalTime time(String line) {
    try {
      return line.length() >= 12 ? LocalTime.parse(line.substring(0, 12)) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
