package io.busbar.jobs.model;

/**
 * Exponentially weighted moving average of a stream of samples:
 * {@code mean ← mean + alpha·(x − mean)}. The first sample sets the mean directly, so there is
 * no bias towards an arbitrary starting value.
 *
 * <p>The weight is per sample, not per unit of time: a sample seen {@code k} samples ago
 * weighs {@code (1 − alpha)^k} relative to the newest. The mean has the unit of the samples.
 *
 * <p>Not thread-safe: confine an instance to one thread (e.g. one event loop) or guard it
 * externally.
 */
public final class Ewma {

  private final double alpha;
  private double mean = Double.NaN;
  private long count;

  private Ewma(double alpha) {
    this.alpha = alpha;
  }

  /**
   * Creates an average with smoothing factor {@code alpha}; larger values follow new samples
   * faster.
   *
   * @param alpha weight of the newest sample, in (0, 1]; 1 keeps only the last sample
   * @return an empty average
   */
  public static Ewma withAlpha(double alpha) {
    if (!(alpha > 0.0 && alpha <= 1.0)) {
      throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
    }
    return new Ewma(alpha);
  }

  /**
   * Creates an average whose samples lose half their weight after {@code halfLifeSamples}
   * newer samples: {@code alpha = 1 − 2^(−1/halfLifeSamples)}.
   *
   * @param halfLifeSamples half-life, counted in samples (not time), finite and positive
   * @return an empty average
   */
  public static Ewma withHalfLife(double halfLifeSamples) {
    if (!Double.isFinite(halfLifeSamples) || halfLifeSamples <= 0.0) {
      throw new IllegalArgumentException(
          "halfLifeSamples must be finite and > 0, was " + halfLifeSamples);
    }
    return new Ewma(alphaForHalfLife(halfLifeSamples));
  }

  /**
   * The smoothing factor giving a half-life of {@code halfLifeSamples} samples.
   *
   * @param halfLifeSamples half-life in samples, finite and positive
   * @return {@code 1 − 2^(−1/halfLifeSamples)}, in (0, 1)
   */
  static double alphaForHalfLife(double halfLifeSamples) {
    return -Math.expm1(-Math.log(2.0) / halfLifeSamples);
  }

  /**
   * Adds a sample.
   *
   * @param x the sample, finite
   * @return the mean after this sample
   */
  public double update(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("x must be finite, was " + x);
    }
    count++;
    mean = count == 1 ? x : mean + alpha * (x - mean);
    return mean;
  }

  /**
   * The current average, in the unit of the samples.
   *
   * @return the average, or {@link Double#NaN} before the first sample
   */
  public double mean() {
    return mean;
  }

  /**
   * The number of samples seen so far.
   *
   * @return the sample count, 0 or more
   */
  public long count() {
    return count;
  }

  /**
   * The smoothing factor in use.
   *
   * @return alpha, in (0, 1]
   */
  public double alpha() {
    return alpha;
  }
}
