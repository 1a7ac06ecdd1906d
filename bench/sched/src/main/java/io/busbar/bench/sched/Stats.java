package io.busbar.bench.sched;

import java.util.Arrays;

/** Summary statistics of samples, and batch-means confidence intervals. */
final class Stats {

  /** Student t quantiles t(0.975, df) for df = 1..30; df above 30 uses 2.0 (close to 1.96 to 2.04). */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
      2.052, 2.048, 2.045, 2.042};

  private Stats() {
  }

  static double mean(double[] values) {
    return values.length == 0 ? Double.NaN : Arrays.stream(values).sum() / values.length;
  }

  /** The {@code q}-quantile by nearest rank (q in [0, 1]); NaN when empty. */
  static double quantile(double[] values, double q) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  static double median(double[] values) {
    return quantile(values, 0.5);
  }

  static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  /**
   * Mean and 95% half-width of a quantity estimated once per batch (batch means): the batches' values are treated as
   * independent, so the half-width is t(0.975, B−1)·sd/√B. With heavy tails and long busy periods, neighbouring
   * batches are still correlated, so read it as a hint, not a guarantee.
   *
   * @param perBatch one value per batch
   * @return {mean, half-width}
   */
  static double[] batchInterval(double[] perBatch) {
    int b = perBatch.length;
    double mean = mean(perBatch);
    if (b < 2) {
      return new double[] {mean, Double.NaN};
    }
    double ss = 0;
    for (double v : perBatch) {
      ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / (b - 1));
    double t = b - 1 <= T975.length ? T975[b - 2] : 2.0;
    return new double[] {mean, t * sd / Math.sqrt(b)};
  }

  /** Rounds for display and JSON: NaN and infinities become null-friendly NaN, others keep {@code digits}. */
  static double round(double value, int digits) {
    if (!Double.isFinite(value)) {
      return value;
    }
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
