package io.busbar.jobs.model;

/**
 * Closed-form results for the M/M/c queue (Poisson arrivals, exponential service, {@code c}
 * identical servers, first-come first-served, unbounded waiting room), built on the Erlang C
 * formula.
 *
 * <p>Units: arrival rate {@code lambda} and per-server service rate {@code mu} are events per
 * unit of time, and both must use the same unit. Every time this class returns (waits,
 * percentiles) is in that unit: per-second rates give seconds, per-millisecond rates give
 * milliseconds. Dimensionless results (probabilities, utilisation, queue lengths) say so.
 *
 * <p>All methods are pure and thread-safe. Invalid arguments raise
 * {@link IllegalArgumentException} with a message that names the argument.
 */
public final class QueueModel {

  private QueueModel() {
  }

  /**
   * Erlang C: the steady-state probability that an arriving job has to wait because all
   * {@code servers} are busy.
   *
   * <p>Computed with the Erlang B recursion {@code B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1))},
   * then {@code C = c·B / (c − a·(1 − B))}. Every step stays in [0, 1], so it neither overflows
   * nor loses precision for large {@code c} (tested up to 10,000 servers); cost is O(c).
   *
   * @param servers number of servers {@code c}, at least 1
   * @param offeredLoad offered load {@code a = lambda / mu} in Erlangs (dimensionless), finite
   *     and non-negative
   * @return the waiting probability in [0, 1]; exactly 1.0 when {@code a >= c} (no steady
   *     state: every arrival eventually waits) and 0.0 when {@code a == 0}
   */
  public static double erlangC(int servers, double offeredLoad) {
    requireServers("servers", servers);
    requireNonNegative("offeredLoad", offeredLoad);
    if (offeredLoad >= servers) {
      return 1.0;
    }
    double b = erlangB(servers, offeredLoad);
    double c = servers * b / (servers - offeredLoad * (1.0 - b));
    return Math.min(1.0, c);
  }

  /**
   * Erlang B: the blocking probability of an M/M/c/c loss system with the same load, used as
   * the stable intermediate of {@link #erlangC(int, double)}.
   *
   * @param servers number of servers, at least 1
   * @param offeredLoad offered load in Erlangs (dimensionless), finite and non-negative
   * @return the blocking probability in [0, 1]
   */
  public static double erlangB(int servers, double offeredLoad) {
    requireServers("servers", servers);
    requireNonNegative("offeredLoad", offeredLoad);
    double b = 1.0;
    for (int k = 1; k <= servers; k++) {
      double ab = offeredLoad * b;
      b = ab / (k + ab);
    }
    return b;
  }

  /**
   * Server utilisation {@code rho = lambda / (c·mu)} (dimensionless). Values of 1 or more mean
   * the queue has no steady state and grows without bound.
   *
   * @param c number of servers, at least 1
   * @param lambda arrival rate, events per time unit, finite and non-negative
   * @param mu service rate of one server, events per time unit, finite and positive
   * @return the utilisation, 0 or more
   */
  public static double utilisation(int c, double lambda, double mu) {
    requireServers("c", c);
    requireNonNegative("lambda", lambda);
    requirePositive("mu", mu);
    return lambda / (c * mu);
  }

  /**
   * Steady-state mean time a job waits in the queue before service starts:
   * {@code Wq = C(c, a) / (c·mu − lambda)}.
   *
   * @param c number of servers, at least 1
   * @param lambda arrival rate, events per time unit, finite and non-negative
   * @param mu service rate of one server, events per time unit, finite and positive
   * @return the mean wait in the time unit of the rates; 0 when {@code lambda == 0};
   *     {@link Double#POSITIVE_INFINITY} when {@code lambda >= c·mu}
   */
  public static double meanWait(int c, double lambda, double mu) {
    double rho = utilisation(c, lambda, mu);
    if (lambda == 0.0) {
      return 0.0;
    }
    if (rho >= 1.0) {
      return Double.POSITIVE_INFINITY;
    }
    return erlangC(c, lambda / mu) / (c * mu - lambda);
  }

  /**
   * Steady-state mean number of jobs waiting (not in service), {@code Lq = lambda·Wq} by
   * Little's law (dimensionless count).
   *
   * @param c number of servers, at least 1
   * @param lambda arrival rate, events per time unit, finite and non-negative
   * @param mu service rate of one server, events per time unit, finite and positive
   * @return the mean queue length; 0 when {@code lambda == 0}; {@link Double#POSITIVE_INFINITY}
   *     when {@code lambda >= c·mu}
   */
  public static double meanQueueLength(int c, double lambda, double mu) {
    return littleL(lambda, meanWait(c, lambda, mu));
  }

  /**
   * Little's law {@code L = lambda·W}: the mean number of jobs in a system from the arrival rate
   * and the mean time each job spends in it.
   *
   * @param lambda arrival rate, events per time unit, finite and non-negative
   * @param w mean time in the system, same time unit, non-negative (may be infinite)
   * @return the mean number in the system (dimensionless); 0 when {@code lambda == 0}
   */
  public static double littleL(double lambda, double w) {
    requireNonNegative("lambda", lambda);
    if (Double.isNaN(w) || w < 0) {
      throw new IllegalArgumentException("w must be >= 0 and not NaN, was " + w);
    }
    return lambda == 0.0 ? 0.0 : lambda * w;
  }

  /**
   * Expected wait of a job that arrives now and sees {@code busy} of the {@code c} servers busy
   * and {@code ahead} jobs already queued in front of it (the live ETA at submission).
   *
   * <p>If {@code busy + ahead < c} a server is free for it and the wait is 0. Otherwise the
   * {@code c − busy} idle servers absorb that many of the jobs ahead, and the job starts after
   * {@code ahead − (c − busy) + 1} further departures. With exponential service every
   * departure, by memorylessness, takes {@code 1/(c·mu)} on average while all servers are
   * busy, so the wait is {@code (ahead − (c − busy) + 1) / (c·mu)}.
   *
   * @param c number of servers, at least 1
   * @param busy servers busy now, in [0, c]
   * @param ahead jobs queued in front of this one, 0 or more
   * @param mu service rate of one server, events per time unit, finite and positive
   * @return the expected wait in the time unit of {@code mu}
   */
  public static double conditionalWait(int c, int busy, int ahead, double mu) {
    requireServers("c", c);
    if (busy < 0 || busy > c) {
      throw new IllegalArgumentException("busy must be in [0, c=" + c + "], was " + busy);
    }
    if (ahead < 0) {
      throw new IllegalArgumentException("ahead must be >= 0, was " + ahead);
    }
    requirePositive("mu", mu);
    long departures = (long) ahead - (c - busy) + 1;
    return departures <= 0 ? 0.0 : departures / (c * mu);
  }

  /**
   * Steady-state probability that a job waits longer than {@code t}:
   * {@code P(W > t) = C(c, a)·e^(−(c·mu − lambda)·t)}.
   *
   * @param c number of servers, at least 1
   * @param lambda arrival rate, events per time unit, finite and non-negative
   * @param mu service rate of one server, events per time unit, finite and positive
   * @param t wait threshold in the time unit of the rates, finite and non-negative
   * @return the probability in [0, 1]; 1.0 when {@code lambda >= c·mu}
   */
  public static double probabilityWaitExceeds(int c, double lambda, double mu, double t) {
    double rho = utilisation(c, lambda, mu);
    requireNonNegative("t", t);
    if (rho >= 1.0) {
      return 1.0;
    }
    return erlangC(c, lambda / mu) * Math.exp(-(c * mu - lambda) * t);
  }

  /**
   * The {@code q}-quantile of the steady-state wait: the smallest {@code t} with
   * {@code P(W <= t) >= q}. Because a fraction {@code 1 − C} of jobs does not wait at all, the
   * answer is 0 whenever {@code C <= 1 − q}; otherwise it is
   * {@code ln(C / (1 − q)) / (c·mu − lambda)}.
   *
   * @param c number of servers, at least 1
   * @param lambda arrival rate, events per time unit, finite and non-negative
   * @param mu service rate of one server, events per time unit, finite and positive
   * @param q the quantile in [0, 1], e.g. 0.95 for the 95th percentile
   * @return the wait in the time unit of the rates; {@link Double#POSITIVE_INFINITY} when
   *     {@code lambda >= c·mu} (and {@code lambda > 0}), or when {@code q == 1} and some jobs
   *     wait
   */
  public static double waitPercentile(int c, double lambda, double mu, double q) {
    double rho = utilisation(c, lambda, mu);
    if (Double.isNaN(q) || q < 0.0 || q > 1.0) {
      throw new IllegalArgumentException("q must be in [0, 1], was " + q);
    }
    if (lambda == 0.0) {
      return 0.0;
    }
    if (rho >= 1.0) {
      return Double.POSITIVE_INFINITY;
    }
    double waitProbability = erlangC(c, lambda / mu);
    double tail = 1.0 - q;
    if (waitProbability <= tail) {
      return 0.0;
    }
    return Math.log(waitProbability / tail) / (c * mu - lambda);
  }

  private static void requireServers(String name, int c) {
    if (c < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, was " + c);
    }
  }

  private static void requireNonNegative(String name, double v) {
    if (!Double.isFinite(v) || v < 0.0) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, was " + v);
    }
  }

  private static void requirePositive(String name, double v) {
    if (!Double.isFinite(v) || v <= 0.0) {
      throw new IllegalArgumentException(name + " must be finite and > 0, was " + v);
    }
  }
}
