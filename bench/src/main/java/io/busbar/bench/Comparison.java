package io.busbar.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario measured on the baseline and on the system under test, every round kept.
 * Ratios are system under test / baseline: throughput below 1 and latency above 1 mean it is slower.
 */
final class Comparison {

  private final Scenario scenario;
  private final List<RunResult> runs = new ArrayList<>();
  private RunResult baseline;
  private RunResult candidate;

  Comparison(Scenario scenario) {
    this.scenario = scenario;
  }

  void addBaseline(RunResult run) {
    runs.add(run);
    baseline = baseline == null ? run : baseline.plus(run);
  }

  void addCandidate(RunResult run) {
    runs.add(run);
    candidate = candidate == null ? run : candidate.plus(run);
  }

  Scenario scenario() {
    return scenario;
  }

  RunResult baseline() {
    return baseline;
  }

  RunResult candidate() {
    return candidate;
  }

  double throughputRatio() {
    return ratio(candidate.requestsPerSecond(), baseline.requestsPerSecond());
  }

  /** Server CPU per request, candidate/baseline: above 1, the candidate spends more CPU on each request. */
  double cpuPerRequestRatio() {
    double candidateCpu = candidate.serverCpuMicrosPerRequest();
    double baselineCpu = baseline.serverCpuMicrosPerRequest();
    return candidateCpu < 0 || baselineCpu < 0 ? Double.NaN : ratio(candidateCpu, baselineCpu);
  }

  double p50Ratio() {
    return ratio(candidate.percentileMicros(50), baseline.percentileMicros(50));
  }

  double p99Ratio() {
    return ratio(candidate.percentileMicros(99), baseline.percentileMicros(99));
  }

  JsonObject toJson() {
    JsonArray rounds = new JsonArray();
    runs.forEach(run -> rounds.add(run.toJson()));
    return new JsonObject()
      .put("scenario", scenario.name())
      .put("connections", scenario.connections())
      .put("inFlightPerConnection", scenario.inFlight())
      .put("baseline", baseline.toJson())
      .put("candidate", candidate.toJson())
      .put("ratio", new JsonObject()
        .put("of", candidate.server() + "/" + baseline.server())
        .put("throughput", round3(throughputRatio()))
        .put("p50", round3(p50Ratio()))
        .put("p99", round3(p99Ratio()))
        .put("serverCpuPerRequest", round3(cpuPerRequestRatio())))
      .put("runsInOrder", rounds);
  }

  private static double ratio(double numerator, double denominator) {
    return denominator == 0 ? Double.NaN : numerator / denominator;
  }

  private static Object round3(double value) {
    return Double.isNaN(value) ? null : Math.round(value * 1000) / 1000.0;
  }
}
