package io.busbar.jobs.webhook;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;

/**
 * When {@link WebhookSender} tries again, and after how long. Pure functions.
 *
 * <ul>
 *   <li>2xx: delivered.</li>
 *   <li>Connection errors, timeouts, 408, 429 and 5xx: retried while attempts remain.</li>
 *   <li>Any other status (3xx, other 4xx): given up at once, the receiver rejected the request.</li>
 * </ul>
 *
 * <p>The wait after failed attempt {@code n} (1-based) is full jitter, a uniform random value in
 * {@code [0, min(maxBackoffMs, initialBackoffMs * 2^(n-1)))}. On 429 and 503 a {@code Retry-After}
 * header (delay-seconds or an HTTP date) replaces it, capped at {@code maxBackoffMs}.
 */
final class RetryPolicy {

  /** Doubling stops here; 2^40 times any backoff of at least 1 ms already exceeds a year. */
  private static final int MAX_SHIFT = 40;

  private RetryPolicy() {
  }

  /** Whether an HTTP status is a success. */
  static boolean delivered(int status) {
    return status >= 200 && status < 300;
  }

  /** Whether an HTTP status is worth another attempt (408, 429, 5xx). */
  static boolean retryable(int status) {
    return status == 408 || status == 429 || (status >= 500 && status < 600);
  }

  /**
   * The upper bound of the wait after failed attempt {@code attempt}.
   *
   * @param attempt the 1-based number of the attempt that just failed
   * @return {@code min(maxBackoffMs, initialBackoffMs * 2^(attempt-1))}, in milliseconds
   */
  static long backoffCapMs(int attempt, WebhookOptions options) {
    int shift = Math.min(Math.max(attempt - 1, 0), MAX_SHIFT);
    long initial = options.initialBackoffMs();
    long max = options.maxBackoffMs();
    return initial > (max >> shift) ? max : initial << shift;
  }

  /**
   * The wait before the next attempt.
   *
   * @param attempt the 1-based number of the attempt that just failed
   * @param status its HTTP status, or -1 when it got no response
   * @param retryAfter its {@code Retry-After} header, or null
   * @param nowMillis the current time in Unix milliseconds (for HTTP-date values)
   * @param random maps a bound {@code b >= 1} to a uniform value in {@code [0, b)}
   * @return the wait in milliseconds, in {@code [0, maxBackoffMs]}
   */
  static long delayMs(int attempt, int status, String retryAfter, WebhookOptions options,
      long nowMillis, LongUnaryOperator random) {
    if (status == 429 || status == 503) {
      OptionalLong asked = retryAfterMs(retryAfter, nowMillis);
      if (asked.isPresent()) {
        return Math.min(asked.getAsLong(), options.maxBackoffMs());
      }
    }
    return random.applyAsLong(backoffCapMs(attempt, options));
  }

  /**
   * Parses a {@code Retry-After} value: delay-seconds or an RFC 1123 date.
   *
   * @param value the header value, or null
   * @param nowMillis the current time in Unix milliseconds
   * @return the requested wait in milliseconds (0 for a date in the past), or empty when the
   *     value is absent or cannot be parsed
   */
  static OptionalLong retryAfterMs(String value, long nowMillis) {
    if (value == null || value.isBlank()) {
      return OptionalLong.empty();
    }
    String v = value.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // more than 9 digits is more than 30 years: any cap applies anyway
      return OptionalLong.of(v.length() > 9 ? Long.MAX_VALUE : Long.parseLong(v) * 1000L);
    }
    try {
      long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return OptionalLong.of(Math.max(0L, at - nowMillis));
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }
}
