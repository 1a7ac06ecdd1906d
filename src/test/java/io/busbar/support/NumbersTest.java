package io.busbar.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class NumbersTest {

  @Test
  void wholeNumbersInRangeOfEveryJsonNumberType() {
    assertThat(Numbers.isWholeIn(5, 0, 10)).isTrue();
    assertThat(Numbers.isWholeIn(10L, 0, 10)).isTrue();
    assertThat(Numbers.isWholeIn(3.0, 0, 10)).isTrue();
    assertThat(Numbers.isWholeIn(new BigDecimal("7.000"), 0, 10)).isTrue();
    assertThat(Numbers.isWholeIn(-1000, -1000, 1000)).isTrue();
  }

  @Test
  void fractionsOutOfRangeValuesAndNonNumbersAreRefused() {
    assertThat(Numbers.isWholeIn(3.5, 0, 10)).isFalse();
    assertThat(Numbers.isWholeIn(11, 0, 10)).isFalse();
    assertThat(Numbers.isWholeIn(Double.NaN, 0, 10)).isFalse();
    assertThat(Numbers.isWholeIn(Double.POSITIVE_INFINITY, 0, Long.MAX_VALUE)).isFalse();
    assertThat(Numbers.isWholeIn("5", 0, 10)).isFalse();
    assertThat(Numbers.isWholeIn(null, 0, 10)).isFalse();
  }

  @Test
  void numbersBeyondALongDoNotWrapIntoRange() {
    // 2^64 + 1: its longValue() is 1.
    Object huge = new JsonObject("{\"p\":18446744073709551617}").getValue("p");
    assertThat(huge).isInstanceOf(BigInteger.class);
    assertThat(((Number) huge).longValue()).isEqualTo(1);
    assertThat(Numbers.isWholeIn(huge, -1000, 1000)).isFalse();
    assertThat(Numbers.isWholeIn(new BigDecimal("1e30"), 0, Long.MAX_VALUE)).isFalse();
  }
}
