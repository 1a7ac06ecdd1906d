package io.busbar.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueueModelTest {

  private static final Offset<Double> EXACT = within(1e-12);

  /** Erlang C from its textbook definition, a second formula to check the recursion against. */
  static double erlangCDirect(int c, double a) {
    double term = 1.0;
    double sum = 0.0;
    for (int k = 0; k < c; k++) {
      sum += term;
      term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
  }

  /** The same definition in log space, usable for large c where the terms overflow. */
  static double erlangCLogSpace(int c, double a) {
    double[] logTerms = new double[c + 1];
    double logA = Math.log(a);
    double logFactorial = 0.0;
    for (int k = 0; k <= c; k++) {
      if (k > 0) {
        logFactorial += Math.log(k);
      }
      logTerms[k] = k * logA - logFactorial;
    }
    logTerms[c] += Math.log(c / (c - a));
    double max = Double.NEGATIVE_INFINITY;
    for (double t : logTerms) {
      max = Math.max(max, t);
    }
    double sum = 0.0;
    for (double t : logTerms) {
      sum += Math.exp(t - max);
    }
    return Math.exp(logTerms[c] - max) / sum;
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.1, 0.5, 0.8, 0.99})
  void erlangCWithOneServerEqualsUtilisation(double rho) {
    assertThat(QueueModel.erlangC(1, rho)).isCloseTo(rho, EXACT);
  }

  @Test
  void erlangCMatchesKnownTableValues() {
    assertThat(QueueModel.erlangC(2, 1.0)).isCloseTo(1.0 / 3.0, EXACT);
    assertThat(QueueModel.erlangC(10, 8.0)).isCloseTo(0.409, within(0.0005));
    assertThat(QueueModel.erlangC(10, 8.0)).isCloseTo(erlangCDirect(10, 8.0), EXACT);
    // Hand-computed: c=3, a=2: sum = 1 + 2 + 2 = 5, top = (8/6)·3 = 4, C = 4/9.
    assertThat(QueueModel.erlangC(3, 2.0)).isCloseTo(4.0 / 9.0, EXACT);
  }

  @Test
  void erlangCMatchesDirectFormulaOverAGrid() {
    for (int c = 1; c <= 40; c++) {
      for (double fraction = 0.05; fraction < 1.0; fraction += 0.05) {
        double a = c * fraction;
        assertThat(QueueModel.erlangC(c, a))
            .as("c=%d a=%f", c, a)
            .isCloseTo(erlangCDirect(c, a), within(1e-11));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"1000, 950", "1000, 999.5", "1000, 500", "5000, 4900", "10000, 9990"})
  void erlangCIsStableForManyServers(int c, double a) {
    double value = QueueModel.erlangC(c, a);
    assertThat(value).isBetween(0.0, 1.0);
    assertThat(value).isCloseTo(erlangCLogSpace(c, a), within(1e-9));
  }

  @Test
  void erlangCIsOneAtOrAboveCapacityAndZeroWithoutLoad() {
    assertThat(QueueModel.erlangC(4, 4.0)).isEqualTo(1.0);
    assertThat(QueueModel.erlangC(4, 7.5)).isEqualTo(1.0);
    assertThat(QueueModel.erlangC(4, 0.0)).isEqualTo(0.0);
  }

  @Test
  void erlangCGrowsWithLoadAndShrinksWithServers() {
    double previous = 0.0;
    for (double a = 0.5; a < 20; a += 0.5) {
      double value = QueueModel.erlangC(20, a);
      assertThat(value).isGreaterThan(previous);
      previous = value;
    }
    assertThat(QueueModel.erlangC(11, 8.0)).isLessThan(QueueModel.erlangC(10, 8.0));
  }

  @ParameterizedTest
  @CsvSource({"1, 0.5", "2, 4", "10, 9.7"})
  void erlangBMatchesItsDefinition(int c, double a) {
    double term = 1.0;
    double sum = 1.0;
    for (int k = 1; k <= c; k++) {
      term *= a / k;
      sum += term;
    }
    assertThat(QueueModel.erlangB(c, a)).isCloseTo(term / sum, EXACT);
  }

  @ParameterizedTest
  @CsvSource({"0.5, 1", "0.8, 1", "8, 10", "0.1, 0.25"})
  void meanWaitOfMm1IsRhoOverMuMinusLambda(double lambda, double mu) {
    double rho = lambda / mu;
    assertThat(QueueModel.meanWait(1, lambda, mu)).isCloseTo(rho / (mu - lambda), EXACT);
  }

  @Test
  void meanWaitMatchesErlangCOverSpareCapacity() {
    // c=10, lambda=8/s, mu=1/s: Wq = C(10, 8) / (10 - 8) seconds.
    assertThat(QueueModel.meanWait(10, 8.0, 1.0)).isCloseTo(erlangCDirect(10, 8.0) / 2.0, EXACT);
  }

  @Test
  void meanWaitIsInfiniteWhenUnstableAndZeroWithoutArrivals() {
    assertThat(QueueModel.meanWait(2, 2.0, 1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(QueueModel.meanWait(2, 3.0, 1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(QueueModel.meanWait(2, 0.0, 1.0)).isEqualTo(0.0);
    assertThat(QueueModel.meanQueueLength(2, 3.0, 1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(QueueModel.meanQueueLength(2, 0.0, 1.0)).isEqualTo(0.0);
  }

  @Test
  void utilisationIsLambdaOverServerCapacity() {
    assertThat(QueueModel.utilisation(4, 3.2, 1.0)).isCloseTo(0.8, EXACT);
    assertThat(QueueModel.utilisation(1, 5.0, 2.0)).isCloseTo(2.5, EXACT);
  }

  @ParameterizedTest
  @CsvSource({"1, 0.8, 1", "4, 3.2, 1", "10, 8, 1", "50, 0.045, 0.001"})
  void queueLengthAndWaitSatisfyLittlesLaw(int c, double lambda, double mu) {
    double wq = QueueModel.meanWait(c, lambda, mu);
    double lq = QueueModel.meanQueueLength(c, lambda, mu);
    assertThat(lq).isCloseTo(lambda * wq, EXACT);
    assertThat(QueueModel.littleL(lambda, wq)).isCloseTo(lq, EXACT);
    // Whole system: L = Lq + a and W = Wq + 1/mu must also satisfy L = lambda·W.
    double l = lq + lambda / mu;
    assertThat(QueueModel.littleL(lambda, wq + 1.0 / mu)).isCloseTo(l, within(1e-9 * l));
  }

  @Test
  void mm1QueueLengthIsRhoSquaredOverOneMinusRho() {
    assertThat(QueueModel.meanQueueLength(1, 0.8, 1.0)).isCloseTo(0.64 / 0.2, within(1e-12));
  }

  @Test
  void littleLHandlesZeroAndInfinity() {
    assertThat(QueueModel.littleL(0.0, Double.POSITIVE_INFINITY)).isEqualTo(0.0);
    assertThat(QueueModel.littleL(2.0, Double.POSITIVE_INFINITY))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(QueueModel.littleL(2.0, 1.5)).isEqualTo(3.0);
  }

  @ParameterizedTest(name = "c={0} busy={1} ahead={2} -> {3} departures")
  @CsvSource({
    "4, 0, 0, 0", "4, 3, 0, 0", "4, 2, 1, 0", "4, 4, 0, 1", "4, 3, 1, 1",
    "4, 4, 5, 6", "4, 1, 3, 1", "4, 0, 4, 1", "1, 1, 0, 1", "1, 1, 9, 10", "1, 0, 0, 0"
  })
  void conditionalWaitCountsDeparturesAtFullRate(int c, int busy, int ahead, int departures) {
    double mu = 0.5;
    assertThat(QueueModel.conditionalWait(c, busy, ahead, mu))
        .isCloseTo(departures / (c * mu), EXACT);
  }

  @Test
  void conditionalWaitDoesNotOverflowForHugeBacklogs() {
    assertThat(QueueModel.conditionalWait(1, 1, Integer.MAX_VALUE, 1.0))
        .isEqualTo(Integer.MAX_VALUE + 1.0);
  }

  @Test
  void waitTailStartsAtErlangCAndDecaysAtSpareCapacity() {
    double c = QueueModel.erlangC(4, 3.2);
    assertThat(QueueModel.probabilityWaitExceeds(4, 3.2, 1.0, 0.0)).isCloseTo(c, EXACT);
    assertThat(QueueModel.probabilityWaitExceeds(4, 3.2, 1.0, 2.0))
        .isCloseTo(c * Math.exp(-0.8 * 2.0), EXACT);
    assertThat(QueueModel.probabilityWaitExceeds(1, 1.0, 1.0, 5.0)).isEqualTo(1.0);
  }

  @Test
  void integratedWaitTailEqualsMeanWait() {
    // E[W] = integral of P(W > t) dt; trapezoid rule over a long horizon.
    double step = 1e-3;
    double sum = 0.0;
    for (double t = 0; t < 60; t += step) {
      sum += step * (QueueModel.probabilityWaitExceeds(4, 3.2, 1.0, t)
          + QueueModel.probabilityWaitExceeds(4, 3.2, 1.0, t + step)) / 2;
    }
    assertThat(sum).isCloseTo(QueueModel.meanWait(4, 3.2, 1.0), within(1e-6));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.8, 0.9, 0.95, 0.99, 0.999})
  void waitPercentileInvertsTheTail(double q) {
    double t = QueueModel.waitPercentile(4, 3.2, 1.0, q);
    double waitProbability = QueueModel.erlangC(4, 3.2);
    if (waitProbability <= 1 - q) {
      assertThat(t).isZero();
    } else {
      assertThat(QueueModel.probabilityWaitExceeds(4, 3.2, 1.0, t)).isCloseTo(1 - q, EXACT);
    }
  }

  @Test
  void waitPercentileEdgeCases() {
    // C(4, 3.2) ≈ 0.596, so the median job does not wait at all.
    assertThat(QueueModel.waitPercentile(4, 3.2, 1.0, 0.4)).isZero();
    assertThat(QueueModel.waitPercentile(4, 3.2, 1.0, 0.0)).isZero();
    assertThat(QueueModel.waitPercentile(4, 3.2, 1.0, 1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(QueueModel.waitPercentile(4, 0.0, 1.0, 1.0)).isZero();
    assertThat(QueueModel.waitPercentile(4, 4.0, 1.0, 0.5)).isEqualTo(Double.POSITIVE_INFINITY);
    // M/M/1 at rho = 0.8, mu = 1: P(W > t) = 0.8·e^(−0.2t), so the 90th percentile is 5·ln 8.
    assertThat(QueueModel.waitPercentile(1, 0.8, 1.0, 0.9)).isCloseTo(5 * Math.log(8), EXACT);
  }

  @Test
  void rejectsInvalidArgumentsNamingThem() {
    assertRejected(() -> QueueModel.erlangC(0, 1.0), "servers");
    assertRejected(() -> QueueModel.erlangC(2, -0.1), "offeredLoad");
    assertRejected(() -> QueueModel.erlangC(2, Double.NaN), "offeredLoad");
    assertRejected(() -> QueueModel.erlangB(2, Double.POSITIVE_INFINITY), "offeredLoad");
    assertRejected(() -> QueueModel.meanWait(0, 1.0, 1.0), "c");
    assertRejected(() -> QueueModel.meanWait(1, -1.0, 1.0), "lambda");
    assertRejected(() -> QueueModel.meanWait(1, 1.0, 0.0), "mu");
    assertRejected(() -> QueueModel.meanWait(1, 1.0, Double.NaN), "mu");
    assertRejected(() -> QueueModel.utilisation(1, Double.POSITIVE_INFINITY, 1.0), "lambda");
    assertRejected(() -> QueueModel.meanQueueLength(1, 1.0, -2.0), "mu");
    assertRejected(() -> QueueModel.littleL(-1.0, 1.0), "lambda");
    assertRejected(() -> QueueModel.littleL(1.0, -1.0), "w");
    assertRejected(() -> QueueModel.littleL(1.0, Double.NaN), "w");
    assertRejected(() -> QueueModel.conditionalWait(0, 0, 0, 1.0), "c");
    assertRejected(() -> QueueModel.conditionalWait(2, 3, 0, 1.0), "busy");
    assertRejected(() -> QueueModel.conditionalWait(2, -1, 0, 1.0), "busy");
    assertRejected(() -> QueueModel.conditionalWait(2, 1, -1, 1.0), "ahead");
    assertRejected(() -> QueueModel.conditionalWait(2, 1, 0, 0.0), "mu");
    assertRejected(() -> QueueModel.probabilityWaitExceeds(1, 0.5, 1.0, -1.0), "t");
    assertRejected(() -> QueueModel.waitPercentile(1, 0.5, 1.0, 1.5), "q");
    assertRejected(() -> QueueModel.waitPercentile(1, 0.5, 1.0, Double.NaN), "q");
  }

  private static void assertRejected(ThrowingCallable call, String argument) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(argument + " ");
  }
}
