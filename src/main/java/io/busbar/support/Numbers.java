package io.busbar.support;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Checks on numbers that come from JSON, where any size and precision can arrive. */
public final class Numbers {

  private Numbers() {
  }

  /**
   * True when {@code value} is a whole number from {@code min} to {@code max}. JSON can carry numbers beyond a long
   * (Jackson reads them as {@link BigInteger} or {@link BigDecimal}), whose {@code longValue()} wraps around into
   * range; they are compared whole here.
   */
  public static boolean isWholeIn(Object value, long min, long max) {
    if (!(value instanceof Number n)) {
      return false;
    }
    BigDecimal exact;
    if (n instanceof BigDecimal d) {
      exact = d;
    } else if (n instanceof BigInteger i) {
      exact = new BigDecimal(i);
    } else if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (!Double.isFinite(d) || d != Math.rint(d)) {
        return false;
      }
      exact = new BigDecimal(d);
    } else {
      exact = BigDecimal.valueOf(n.longValue());
    }
    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
      return false;   // a fraction
    }
    return exact.compareTo(BigDecimal.valueOf(min)) >= 0 && exact.compareTo(BigDecimal.valueOf(max)) <= 0;
  }
}
