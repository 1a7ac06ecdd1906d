package io.busbar.dashboard;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the percentiles of Busbar's timers and says how many samples are recent.
 *
 * <p>Micrometer computes a timer's percentiles over a sliding window (two minutes by default), but its count is
 * cumulative. A timer that recorded nothing for longer than the window reports percentiles of 0, which would read as
 * "no wait" on a chart. This remembers each timer's count over the window, so that a timer without recent samples
 * is reported without percentiles instead, and so that percentiles of several timers can be weighted by how many
 * samples each had lately.
 */
final class RecentTimers {

  /** Micrometer's default {@code distributionStatisticExpiry}. */
  static final long WINDOW_MS = 120_000;

  private final Map<String, Deque<long[]>> counts = new HashMap<>();

  /** A timer's latest figures. */
  record Reading(long count, long recent, double meanMs, double maxMs, double p50, double p95, double p99) {

    /**
     * {@code {"count", "recent", "meanMs", "p50", "p95", "p99", "maxMs"}} in ms; the percentiles and the max are left
     * out when no sample is recent.
     */
    JsonObject toJson() {
      JsonObject json = new JsonObject().put("count", count).put("recent", recent).put("meanMs", round(meanMs));
      if (recent > 0) {
        json.put("p50", round(p50)).put("p95", round(p95)).put("p99", round(p99)).put("maxMs", round(maxMs));
      }
      return json;
    }
  }

  /** Reads {@code timer}, remembered under {@code key}, at time {@code now}. */
  Reading read(String key, Timer timer, long now) {
    HistogramSnapshot snapshot = timer.takeSnapshot();
    long count = snapshot.count();
    Deque<long[]> history = counts.computeIfAbsent(key, k -> new ArrayDeque<>());
    history.addLast(new long[] {now, count});
    // Keep one observation at or before the window's start, as the baseline, and none older.
    while (history.size() > 1 && second(history)[0] <= now - WINDOW_MS) {
      history.removeFirst();
    }
    long[] oldest = history.peekFirst();
    long baseline = oldest[0] <= now - WINDOW_MS ? oldest[1] : 0;
    long recent = Math.max(0, count - baseline);
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    for (ValueAtPercentile value : snapshot.percentileValues()) {
      double ms = value.value(TimeUnit.MILLISECONDS);
      if (value.percentile() == 0.5) {
        p50 = ms;
      } else if (value.percentile() == 0.95) {
        p95 = ms;
      } else if (value.percentile() == 0.99) {
        p99 = ms;
      }
    }
    return new Reading(count, recent, count == 0 ? 0 : snapshot.mean(TimeUnit.MILLISECONDS),
        snapshot.max(TimeUnit.MILLISECONDS), p50, p95, p99);
  }

  private static long[] second(Deque<long[]> history) {
    Iterator<long[]> it = history.iterator();
    it.next();
    return it.next();
  }

  /** {@code value} with at most three decimals, so snapshots stay small. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
