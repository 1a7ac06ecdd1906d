package io.busbar.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one or more measured runs of one scenario against one server.
 *
 * @param server        server label ({@code bare}, {@code busbar}, {@code bare-b})
 * @param scenario      the load shape
 * @param runs          how many runs were merged into this result
 * @param measuredNanos total length of the measured windows
 * @param latencyMicros round-trip latencies in the measured windows, µs
 * @param measured      replies completed in the measured windows
 * @param completed     replies completed over the whole runs, warm-up and drain included
 * @param errors        errors over the whole runs (see {@link ConnectionStats#errors()}), unanswered included
 * @param unanswered    requests never answered before the sockets were closed
 * @param textFrames    TEXT WebSocket messages received
 * @param binaryFrames  BINARY WebSocket messages received
 * @param firstError    the first error seen, or null
 * @param serverCpuNanos CPU time the server process used in the measured windows (all its threads), or -1 when
 *                      the platform does not report it
 */
record RunResult(String server, Scenario scenario, int runs, long measuredNanos, Histogram latencyMicros,
                 long measured, long completed, long errors, long unanswered, long textFrames,
                 long binaryFrames, String firstError, long serverCpuNanos) {

  /** Merges the per-connection statistics of one run. */
  static RunResult of(String server, Scenario scenario, long measuredNanos, long serverCpuNanos,
                      List<ConnectionStats> connections) {
    Histogram latency = new Histogram(3);
    long measured = 0;
    long completed = 0;
    long errors = 0;
    long unanswered = 0;
    long text = 0;
    long binary = 0;
    String firstError = null;
    for (ConnectionStats c : connections) {
      latency.add(c.latencyMicros());
      measured += c.measured();
      completed += c.completed();
      errors += c.errors();
      unanswered += c.unanswered();
      text += c.textFrames();
      binary += c.binaryFrames();
      firstError = firstError != null ? firstError : c.firstError();
    }
    return new RunResult(server, scenario, 1, measuredNanos, latency, measured, completed, errors, unanswered,
      text, binary, firstError, serverCpuNanos);
  }

  /** Sums two results of the same server and scenario (rounds), merging their histograms. */
  RunResult plus(RunResult other) {
    Histogram latency = latencyMicros.copy();
    latency.add(other.latencyMicros);
    return new RunResult(server, scenario, runs + other.runs, measuredNanos + other.measuredNanos, latency,
      measured + other.measured, completed + other.completed, errors + other.errors,
      unanswered + other.unanswered, textFrames + other.textFrames, binaryFrames + other.binaryFrames,
      firstError != null ? firstError : other.firstError,
      serverCpuNanos < 0 || other.serverCpuNanos < 0 ? -1 : serverCpuNanos + other.serverCpuNanos);
  }

  /** Replies per second over the measured windows. */
  double requestsPerSecond() {
    return measuredNanos == 0 ? 0 : measured * 1e9 / measuredNanos;
  }

  /** Server CPU time per reply in the measured windows, µs; -1 when unknown. */
  double serverCpuMicrosPerRequest() {
    return serverCpuNanos < 0 || measured == 0 ? -1 : serverCpuNanos / 1e3 / measured;
  }

  /** Latency at {@code percentile} (0..100) in µs; 0 when nothing was measured. */
  long percentileMicros(double percentile) {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile);
  }

  long maxMicros() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue();
  }

  /** Which WebSocket message types the server answered with: text, binary, mixed or none. */
  String frameKind() {
    if (textFrames > 0 && binaryFrames > 0) {
      return "mixed";
    }
    return textFrames > 0 ? "text" : binaryFrames > 0 ? "binary" : "none";
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("server", server)
      .put("runs", runs)
      .put("measuredSeconds", measuredNanos / 1e9)
      .put("requestsPerSecond", Math.round(requestsPerSecond() * 10) / 10.0)
      .put("latencyMicros", new JsonObject()
        .put("p50", percentileMicros(50))
        .put("p90", percentileMicros(90))
        .put("p99", percentileMicros(99))
        .put("p999", percentileMicros(99.9))
        .put("max", maxMicros())
        .put("mean", Math.round(latencyMicros.getMean())))
      .put("serverCpuMicrosPerRequest", Math.round(serverCpuMicrosPerRequest() * 100) / 100.0)
      .put("measuredReplies", measured)
      .put("completedReplies", completed)
      .put("errors", errors)
      .put("unanswered", unanswered)
      .put("frames", new JsonObject().put("text", textFrames).put("binary", binaryFrames).put("kind", frameKind()))
      .put("firstError", firstError);
  }
}
