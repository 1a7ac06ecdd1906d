package io.busbar.jobs.model;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Learns the mean service time of each job type from observed run times, with one {@link Ewma}
 * per type, so recent runs count more than old ones.
 *
 * <p>Times are in milliseconds. One entry is kept per distinct type name and never evicted, so
 * types should come from a bounded set (job type names, not job ids).
 *
 * <p>Not thread-safe: confine an instance to one thread (the scheduler's event loop) or guard
 * it externally.
 */
public final class ServiceTimeEstimator {

  private final double alpha;
  private final Map<String, Ewma> byType = new HashMap<>();

  /**
   * Creates an estimator whose averages use smoothing factor {@code alpha}.
   *
   * @param alpha weight of the newest observation, in (0, 1]
   */
  public ServiceTimeEstimator(double alpha) {
    this.alpha = Ewma.withAlpha(alpha).alpha();
  }

  /**
   * Creates an estimator whose observations lose half their weight after
   * {@code halfLifeSamples} newer observations of the same type.
   *
   * @param halfLifeSamples half-life counted in observations, finite and positive
   * @return the estimator
   */
  public static ServiceTimeEstimator withHalfLife(double halfLifeSamples) {
    return new ServiceTimeEstimator(Ewma.withHalfLife(halfLifeSamples).alpha());
  }

  /**
   * Records one run of a job type.
   *
   * @param type job type name, not null
   * @param millis the observed service time in milliseconds, finite and non-negative
   * @return the type's estimate after this observation, in milliseconds
   */
  public double observe(String type, double millis) {
    Objects.requireNonNull(type, "type");
    if (!Double.isFinite(millis) || millis < 0.0) {
      throw new IllegalArgumentException("millis must be finite and >= 0, was " + millis);
    }
    return byType.computeIfAbsent(type, t -> Ewma.withAlpha(alpha)).update(millis);
  }

  /**
   * The learned mean service time of a job type.
   *
   * @param type job type name, not null
   * @return the estimate in milliseconds, or empty if the type was never observed
   */
  public OptionalDouble estimate(String type) {
    Ewma ewma = byType.get(Objects.requireNonNull(type, "type"));
    return ewma == null ? OptionalDouble.empty() : OptionalDouble.of(ewma.mean());
  }

  /**
   * The learned mean service time of a job type, or a default for a type never observed.
   *
   * @param type job type name, not null
   * @param defaultMs the value to return for an unknown type, in milliseconds
   * @return the estimate or {@code defaultMs}, in milliseconds
   */
  public double estimateOr(String type, double defaultMs) {
    return estimate(type).orElse(defaultMs);
  }

  /**
   * How many runs of a job type have been observed.
   *
   * @param type job type name, not null
   * @return the observation count, 0 for an unknown type
   */
  public long samples(String type) {
    Ewma ewma = byType.get(Objects.requireNonNull(type, "type"));
    return ewma == null ? 0 : ewma.count();
  }
}
