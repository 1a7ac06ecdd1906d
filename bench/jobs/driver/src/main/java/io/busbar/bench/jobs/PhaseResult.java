package io.busbar.bench.jobs;

import io.busbar.bench.jobs.JobsConnection.ConnectionStats;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One phase's figures, summed over its connections. {@link #toJson()} has the same field names as the phase
 * objects that {@code bullmq/bench.mjs} writes, so the two can be compared field by field.
 */
final class PhaseResult {

  private final String phase;
  private final JsonObject shape;
  private final String failure;
  private final Histogram latency = new Histogram(120_000_000L, 3);
  private long submitted;
  private long accepted;
  private long succeeded;
  private long completed;
  private long refused429;
  private long lost;
  private long connectionErrors;
  private long submitErrors;
  private long jobFailures;
  private long unexpectedFrames;
  private long framesIn;
  private long intermediateEvents;
  private String firstError;
  private String firstUnexpected;
  private final Map<String, Long> errorsByKind = new TreeMap<>();
  private final Map<String, Long> failuresByEvent = new TreeMap<>();
  private double measuredSeconds;
  private double elapsedSeconds;
  private JsonObject cpu;

  /**
   * @param phase   "throughput" or "latency"
   * @param shape   the phase's settings (inFlight, connections, warm-up, duration or job counts), copied into the JSON
   * @param failure why the phase was cut short, or null
   */
  PhaseResult(String phase, JsonObject shape, String failure, List<ConnectionStats> stats) {
    this.phase = phase;
    this.shape = shape;
    this.failure = failure;
    for (ConnectionStats s : stats) {
      latency.add(s.latencyMicros);
      submitted += s.submitted;
      accepted += s.accepted;
      succeeded += s.succeeded;
      completed += s.measuredCompleted;
      refused429 += s.refused429;
      lost += s.lost;
      connectionErrors += s.connectionErrors;
      unexpectedFrames += s.unexpectedFrames;
      framesIn += s.framesIn;
      intermediateEvents += s.intermediateEvents;
      s.errorsByKind.forEach((k, v) -> errorsByKind.merge(k, v, Long::sum));
      s.jobFailures.forEach((k, v) -> failuresByEvent.merge(k, v, Long::sum));
      firstError = firstError == null ? s.firstError : firstError;
      firstUnexpected = firstUnexpected == null ? s.firstUnexpected : firstUnexpected;
    }
    submitErrors = errorsByKind.values().stream().mapToLong(Long::longValue).sum();
    jobFailures = failuresByEvent.values().stream().mapToLong(Long::longValue).sum();
  }

  PhaseResult timing(double measuredSeconds, double elapsedSeconds) {
    this.measuredSeconds = measuredSeconds;
    this.elapsedSeconds = elapsedSeconds;
    return this;
  }

  /** CPU used over the measured interval (see {@code JobsBench.CpuSample}). */
  PhaseResult cpu(JsonObject cpu) {
    this.cpu = cpu;
    return this;
  }

  String phase() {
    return phase;
  }

  String failure() {
    return failure;
  }

  /** Measured completions per second (throughput phase), or null when the phase failed or has no duration. */
  Long jobsPerSecond() {
    return failure != null || measuredSeconds <= 0 ? null : Math.round(completed / measuredSeconds);
  }

  long measuredJobs() {
    return phase.equals("throughput") ? completed : latency.getTotalCount();
  }

  long errors() {
    return submitErrors + connectionErrors;
  }

  long jobFailures() {
    return jobFailures;
  }

  long lost() {
    return lost;
  }

  /** Latency percentile in milliseconds, or null without samples. */
  Double latencyMs(double percentile) {
    return latency.getTotalCount() == 0 ? null : round(latency.getValueAtPercentile(percentile) / 1000.0);
  }

  Double maxMs() {
    return latency.getTotalCount() == 0 ? null : round(latency.getMaxValue() / 1000.0);
  }

  JsonObject toJson() {
    JsonObject json = shape.copy();
    if (failure != null) {
      json.put("failed", failure);
    }
    if (phase.equals("throughput")) {
      json.put("durationS", round(measuredSeconds)).put("completed", completed).put("jobsPerSecond", jobsPerSecond());
    }
    JsonObject latencyMs = new JsonObject().put("count", latency.getTotalCount()).put("p50", latencyMs(50))
      .put("p90", latencyMs(90)).put("p99", latencyMs(99)).put("p999", latencyMs(99.9)).put("max", maxMs())
      .put("mean", latency.getTotalCount() == 0 ? null : round(latency.getMean() / 1000.0));
    JsonObject errors = new JsonObject();
    errorsByKind.forEach(errors::put);
    JsonObject failures = new JsonObject();
    failuresByEvent.forEach(failures::put);
    return json.put("latencyMs", latencyMs).put("submitted", submitted).put("accepted", accepted)
      .put("completedTotal", succeeded).put("errors", errors()).put("errorsByKind", errors)
      .put("refused429", refused429).put("connectionErrors", connectionErrors).put("jobFailures", jobFailures)
      .put("jobFailuresByEvent", failures).put("lost", lost).put("framesIn", framesIn)
      .put("intermediateEvents", intermediateEvents).put("unexpectedFrames", unexpectedFrames)
      .put("firstUnexpectedFrame", firstUnexpected).put("firstError", firstError)
      .put("cpu", cpu).put("elapsedS", round(elapsedSeconds));
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
