package io.busbar.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ServiceTimeEstimatorTest {

  @Test
  void unknownTypeHasNoEstimate() {
    ServiceTimeEstimator estimator = new ServiceTimeEstimator(0.2);
    assertThat(estimator.estimate("resize")).isEmpty();
    assertThat(estimator.estimateOr("resize", 250.0)).isEqualTo(250.0);
    assertThat(estimator.samples("resize")).isZero();
  }

  @Test
  void firstObservationIsTheEstimateAndLaterOnesBlendIn() {
    ServiceTimeEstimator estimator = new ServiceTimeEstimator(0.25);
    assertThat(estimator.observe("resize", 100)).isEqualTo(100.0);
    estimator.observe("resize", 200);
    assertThat(estimator.estimate("resize")).hasValue(125.0);
    assertThat(estimator.estimateOr("resize", 1.0)).isEqualTo(125.0);
    assertThat(estimator.samples("resize")).isEqualTo(2);
  }

  @Test
  void typesAreLearnedIndependently() {
    ServiceTimeEstimator estimator = new ServiceTimeEstimator(0.5);
    estimator.observe("a", 10);
    estimator.observe("b", 1000);
    estimator.observe("a", 20);
    assertThat(estimator.estimate("a")).hasValue(15.0);
    assertThat(estimator.estimate("b")).hasValue(1000.0);
  }

  @Test
  void halfLifeIsCountedInObservationsOfTheSameType() {
    ServiceTimeEstimator estimator = ServiceTimeEstimator.withHalfLife(3);
    estimator.observe("a", 64);
    for (int i = 0; i < 3; i++) {
      estimator.observe("a", 0);
      estimator.observe("other", 1_000_000);
    }
    assertThat(estimator.estimate("a").getAsDouble()).isCloseTo(32.0, within(1e-9));
  }

  @Test
  void rejectsInvalidInput() {
    ServiceTimeEstimator estimator = new ServiceTimeEstimator(0.5);
    assertThatThrownBy(() -> estimator.observe(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> estimator.observe("a", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("millis");
    assertThatThrownBy(() -> estimator.observe("a", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServiceTimeEstimator(0)).hasMessageStartingWith("alpha");
    assertThat(estimator.samples("a")).isZero();
  }
}
