package io.busbar.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EwmaTest {

  @Test
  void meanIsNaNAndCountZeroBeforeTheFirstSample() {
    Ewma ewma = Ewma.withAlpha(0.3);
    assertThat(ewma.mean()).isNaN();
    assertThat(ewma.count()).isZero();
  }

  @Test
  void firstSampleSetsTheMean() {
    Ewma ewma = Ewma.withAlpha(0.01);
    assertThat(ewma.update(42.0)).isEqualTo(42.0);
    assertThat(ewma.mean()).isEqualTo(42.0);
    assertThat(ewma.count()).isEqualTo(1);
  }

  @Test
  void laterSamplesMoveTheMeanByAlpha() {
    Ewma ewma = Ewma.withAlpha(0.5);
    ewma.update(10);
    assertThat(ewma.update(20)).isEqualTo(15.0);
    assertThat(ewma.update(30)).isEqualTo(22.5);
    assertThat(ewma.update(-22.5)).isEqualTo(0.0);
    assertThat(ewma.count()).isEqualTo(4);
  }

  @Test
  void alphaOneKeepsOnlyTheLastSample() {
    Ewma ewma = Ewma.withAlpha(1.0);
    ewma.update(3);
    ewma.update(8);
    assertThat(ewma.mean()).isEqualTo(8.0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1, 4, 10, 2.5})
  void aSampleLosesHalfItsWeightAfterTheHalfLife(double halfLife) {
    Ewma ewma = Ewma.withHalfLife(halfLife);
    ewma.update(1.0);
    int steps = (int) Math.round(halfLife * 2);
    for (int i = 0; i < steps; i++) {
      ewma.update(0.0);
    }
    // After 2·halfLife zero samples the first sample's weight is 1/4.
    assertThat(ewma.mean()).isCloseTo(Math.pow(0.5, steps / halfLife), within(1e-12));
    assertThat(ewma.alpha()).isCloseTo(1 - Math.pow(2, -1 / halfLife), within(1e-15));
  }

  @Test
  void convergesToAConstantAfterAStep() {
    Ewma ewma = Ewma.withAlpha(0.2);
    ewma.update(100);
    for (int i = 0; i < 200; i++) {
      ewma.update(5);
    }
    assertThat(ewma.mean()).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void rejectsInvalidSettingsAndSamples() {
    assertThatThrownBy(() -> Ewma.withAlpha(0.0)).hasMessageStartingWith("alpha");
    assertThatThrownBy(() -> Ewma.withAlpha(1.01)).hasMessageStartingWith("alpha");
    assertThatThrownBy(() -> Ewma.withAlpha(Double.NaN)).hasMessageStartingWith("alpha");
    assertThatThrownBy(() -> Ewma.withHalfLife(0.0)).hasMessageStartingWith("halfLifeSamples");
    assertThatThrownBy(() -> Ewma.withHalfLife(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    Ewma ewma = Ewma.withAlpha(0.5);
    assertThatThrownBy(() -> ewma.update(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("x ");
    assertThatThrownBy(() -> ewma.update(Double.NEGATIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ewma.count()).isZero();
  }
}
