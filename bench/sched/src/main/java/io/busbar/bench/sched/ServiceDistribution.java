package io.busbar.bench.sched;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A distribution of job service times in whole milliseconds (the {@code sleep} handler's resolution), known both as
 * a sampler and as an exact probability mass function, so the theory is computed on the very distribution the jobs
 * are drawn from.
 */
interface ServiceDistribution {

  /** One service time, ms. */
  int sample(SplittableRandom random);

  /** {@code pmf()[k]} is the probability of {@code k} ms; sums to 1. */
  double[] pmf();

  /** Name and parameters, for the results file. */
  Map<String, Object> describe();

  /** E[S], ms. */
  default double mean() {
    return moment(1);
  }

  /** E[S^n], ms^n. */
  default double moment(int n) {
    double[] p = pmf();
    double sum = 0;
    for (int k = 0; k < p.length; k++) {
      sum += p[k] * Math.pow(k, n);
    }
    return sum;
  }

  /** Squared coefficient of variation Var[S]/E[S]^2. */
  default double scv() {
    double m = mean();
    return moment(2) / (m * m) - 1;
  }

  /**
   * Bounded Pareto on [low, high] with shape {@code alpha}, rounded to the nearest ms: heavy-tailed, with most jobs
   * near {@code low} and a few near {@code high}.
   */
  static ServiceDistribution boundedPareto(double alpha, double low, double high) {
    if (!(alpha > 0 && low >= 1.5 && high > low)) {
      throw new IllegalArgumentException("bounded Pareto needs alpha > 0 and 1.5 <= low < high");
    }
    double tail = Math.pow(low / high, alpha);
    int max = (int) Math.round(high);
    double[] pmf = new double[max + 1];
    for (int k = 1; k <= max; k++) {
      pmf[k] = paretoCdf(k + 0.5, alpha, low, high, tail) - paretoCdf(k - 0.5, alpha, low, high, tail);
    }
    return new Tabulated(pmf, Map.of("kind", "bounded-pareto", "alpha", alpha, "lowMs", low, "highMs", high,
        "rounding", "nearest ms")) {
      @Override
      public int sample(SplittableRandom random) {
        double u = random.nextDouble();
        double x = low / Math.pow(1 - u * (1 - tail), 1 / alpha);
        return (int) Math.round(Math.min(high, Math.max(low, x)));
      }
    };
  }

  private static double paretoCdf(double x, double alpha, double low, double high, double tail) {
    double clamped = Math.min(high, Math.max(low, x));
    return (1 - Math.pow(low / clamped, alpha)) / (1 - tail);
  }

  /** Exponential with mean {@code meanMs}, rounded to the nearest ms and raised to {@code minMs}. */
  static ServiceDistribution exponential(double meanMs, int minMs) {
    int max = (int) Math.ceil(meanMs * 60);
    double[] pmf = new double[max + 1];
    for (int k = minMs; k <= max; k++) {
      double lo = k == minMs ? 0 : k - 0.5;
      double hi = k == max ? Double.POSITIVE_INFINITY : k + 0.5;
      pmf[k] = Math.exp(-lo / meanMs) - Math.exp(-hi / meanMs);
    }
    return new Tabulated(pmf, Map.of("kind", "exponential", "meanMs", meanMs, "minMs", minMs,
        "rounding", "nearest ms, then at least minMs")) {
      @Override
      public int sample(SplittableRandom random) {
        double x = -meanMs * Math.log(1 - random.nextDouble());
        return (int) Math.min(max, Math.max(minMs, Math.round(x)));
      }
    };
  }

  /** Every job takes exactly {@code ms}. */
  static ServiceDistribution constant(int ms) {
    double[] pmf = new double[ms + 1];
    pmf[ms] = 1;
    return new Tabulated(pmf, Map.of("kind", "constant", "ms", ms)) {
      @Override
      public int sample(SplittableRandom random) {
        return ms;
      }
    };
  }

  /** A distribution given by its mass function; subclasses sample from it. */
  abstract class Tabulated implements ServiceDistribution {
    private final double[] pmf;
    private final Map<String, Object> description;

    Tabulated(double[] pmf, Map<String, Object> description) {
      double total = 0;
      for (double p : pmf) {
        total += p;
      }
      this.pmf = pmf.clone();
      for (int k = 0; k < pmf.length; k++) {
        this.pmf[k] /= total;
      }
      this.description = description;
    }

    @Override
    public double[] pmf() {
      return pmf.clone();
    }

    @Override
    public Map<String, Object> describe() {
      return description;
    }
  }
}
