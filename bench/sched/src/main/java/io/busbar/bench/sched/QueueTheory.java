package io.busbar.bench.sched;

import java.util.List;

/**
 * Mean waits (time in queue, before service) of single- and multi-server queues with Poisson arrivals. Times are in
 * the unit of the inputs (ms here); rates per that unit.
 *
 * <ul>
 *   <li>M/G/1 FCFS, Pollaczek–Khinchine: {@code W = λ·E[S²] / (2(1 − ρ))}.</li>
 *   <li>M/G/1 non-preemptive priority classes, Cobham (1954): with classes in priority order, {@code σ_k} the load
 *       of classes 1..k and {@code W0 = λ·E[S²]/2} the mean residual work found in service,
 *       {@code W_k = W0 / ((1 − σ_{k−1})(1 − σ_k))}.</li>
 *   <li>M/G/1 non-preemptive shortest-job-first with known sizes, Phipps (1956): Cobham with one class per size,
 *       {@code W(x) = W0 / ((1 − ρ(<x))(1 − ρ(≤x)))}, ρ(≤x) being the load of jobs of size at most x. Sizes are
 *       whole milliseconds here, so the sum over sizes is exact, not an approximation of the integral.</li>
 *   <li>M/M/c FCFS, Erlang C: {@code W = C(c, a) / (cμ − λ)}.</li>
 * </ul>
 */
final class QueueTheory {

  /**
   * One priority class: the share {@code p} of arrivals and its mean service time.
   *
   * @param share fraction of all arrivals, in [0, 1]
   * @param meanService mean service time of the class
   */
  record JobClass(double share, double meanService) {
  }

  private QueueTheory() {
  }

  /** Pollaczek–Khinchine mean wait; Infinity when ρ ≥ 1. */
  static double pollaczekKhinchine(double lambda, double meanS, double secondMomentS) {
    double rho = lambda * meanS;
    return rho >= 1 ? Double.POSITIVE_INFINITY : lambda * secondMomentS / (2 * (1 - rho));
  }

  /**
   * Cobham's per-class mean waits for non-preemptive priority, classes in priority order (first = highest).
   *
   * @param lambda total arrival rate
   * @param secondMomentS E[S²] over all jobs
   * @param classes in priority order; shares sum to 1
   * @return the mean wait of each class (Infinity once the load reaches 1)
   */
  static double[] cobhamByClass(double lambda, double secondMomentS, List<JobClass> classes) {
    double w0 = lambda * secondMomentS / 2;
    double[] waits = new double[classes.size()];
    double sigmaBefore = 0;
    for (int k = 0; k < classes.size(); k++) {
      double sigma = sigmaBefore + lambda * classes.get(k).share() * classes.get(k).meanService();
      waits[k] = sigma >= 1 ? Double.POSITIVE_INFINITY : w0 / ((1 - sigmaBefore) * (1 - sigma));
      sigmaBefore = sigma;
    }
    return waits;
  }

  /** The overall mean wait of Cobham's formula (the share-weighted mean of the class waits). */
  static double cobhamMean(double lambda, double secondMomentS, List<JobClass> classes) {
    double[] waits = cobhamByClass(lambda, secondMomentS, classes);
    double mean = 0;
    for (int k = 0; k < waits.length; k++) {
      if (classes.get(k).share() > 0) {
        mean += classes.get(k).share() * waits[k];
      }
    }
    return mean;
  }

  /** Erlang C: the probability that an arrival waits in M/M/c with offered load a = λ/μ. */
  static double erlangC(int c, double offeredLoad) {
    if (offeredLoad >= c) {
      return 1;
    }
    double b = 1;
    for (int k = 1; k <= c; k++) {
      b = offeredLoad * b / (k + offeredLoad * b);
    }
    return c * b / (c - offeredLoad * (1 - b));
  }

  /** M/M/c mean wait, μ per server; Infinity when λ ≥ cμ. */
  static double erlangCWait(int c, double lambda, double mu) {
    if (lambda >= c * mu) {
      return Double.POSITIVE_INFINITY;
    }
    return erlangC(c, lambda / mu) / (c * mu - lambda);
  }
}
