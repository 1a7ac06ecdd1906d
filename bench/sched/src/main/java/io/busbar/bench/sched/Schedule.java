package io.busbar.bench.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * A fixed arrival schedule: Poisson arrivals at rate λ with service times from a {@link ServiceDistribution}, both
 * drawn from a seed. The inter-arrival gaps are drawn at unit rate and then scaled by 1/λ, and the service times come
 * from their own random stream, so the same seed gives the same jobs in the same relative order whatever λ is.
 *
 * @param arrivals in arrival order
 * @param ratePerSecond λ
 * @param seconds the schedule's length
 */
record Schedule(List<Arrival> arrivals, double ratePerSecond, double seconds) {

  /**
   * One job of the schedule.
   *
   * @param index position in the schedule, from 0
   * @param offsetNanos when to submit it, from the start of the schedule
   * @param serviceMs its true service time (the {@code sleep} handler's {@code ms})
   * @param priority its priority class (higher runs first on a priority queue)
   */
  record Arrival(int index, long offsetNanos, int serviceMs, int priority) {
    double offsetSeconds() {
      return offsetNanos / 1e9;
    }
  }

  /**
   * Draws a schedule.
   *
   * @param distribution service times
   * @param ratePerSecond λ
   * @param seconds length: arrivals after it are dropped
   * @param seed the seed of both random streams
   * @param priorityOf the priority class of a job from its service time
   */
  static Schedule poisson(ServiceDistribution distribution, double ratePerSecond, double seconds, long seed,
      IntUnaryOperator priorityOf) {
    SplittableRandom gaps = new SplittableRandom(seed);
    SplittableRandom sizes = new SplittableRandom(seed * 31 + 7);
    List<Arrival> arrivals = new ArrayList<>();
    double unitTime = 0;
    while (true) {
      unitTime += -Math.log(1 - gaps.nextDouble());
      double at = unitTime / ratePerSecond;
      if (at >= seconds) {
        break;
      }
      int ms = distribution.sample(sizes);
      arrivals.add(new Arrival(arrivals.size(), Math.round(at * 1e9), ms, priorityOf.applyAsInt(ms)));
    }
    return new Schedule(List.copyOf(arrivals), ratePerSecond, seconds);
  }

  /** Mean of the drawn service times, ms. */
  double meanServiceMs() {
    return arrivals.stream().mapToInt(Arrival::serviceMs).average().orElse(Double.NaN);
  }
}
