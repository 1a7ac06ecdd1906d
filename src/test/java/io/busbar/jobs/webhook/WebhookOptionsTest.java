package io.busbar.jobs.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class WebhookOptionsTest {

  @Test
  void defaultsMatchTheDocumentedValues() {
    WebhookOptions o = WebhookOptions.defaults("s3cret");

    assertThat(o.maxAttempts()).isEqualTo(5);
    assertThat(o.initialBackoffMs()).isEqualTo(500);
    assertThat(o.maxBackoffMs()).isEqualTo(60_000);
    assertThat(o.timeoutMs()).isEqualTo(10_000);
    assertThat(o.maxInFlight()).isEqualTo(256);
    assertThat(o.maxQueued()).isEqualTo(4_096);
    assertThat(o.signed()).isTrue();
    assertThat(WebhookOptions.defaults("").signed()).isFalse();
  }

  @Test
  void rejectsEachInvalidFieldByName() {
    assertInvalid("secret", () -> WebhookOptions.of(null, 5, 500, 60_000, 10_000, 256, 10));
    assertInvalid("maxAttempts", () -> WebhookOptions.of("", 0, 500, 60_000, 10_000, 256, 10));
    assertInvalid("initialBackoffMs", () -> WebhookOptions.of("", 5, 0, 60_000, 10_000, 256, 10));
    assertInvalid("maxBackoffMs", () -> WebhookOptions.of("", 5, 500, 499, 10_000, 256, 10));
    assertInvalid("timeoutMs", () -> WebhookOptions.of("", 5, 500, 60_000, 0, 256, 10));
    assertInvalid("maxInFlight", () -> WebhookOptions.of("", 5, 500, 60_000, 10_000, 0, 10));
    assertInvalid("maxQueued", () -> WebhookOptions.of("", 5, 500, 60_000, 10_000, 256, 0));
  }

  @Test
  void toStringNeverShowsTheSecret() {
    assertThat(WebhookOptions.defaults("s3cret-value").toString()).doesNotContain("s3cret").contains("***");
  }

  @Test
  void backoffCapDoublesFromInitialUpToMax() {
    WebhookOptions o = WebhookOptions.defaults("").withBackoff(500, 60_000);

    assertThat(RetryPolicy.backoffCapMs(1, o)).isEqualTo(500);
    assertThat(RetryPolicy.backoffCapMs(2, o)).isEqualTo(1_000);
    assertThat(RetryPolicy.backoffCapMs(5, o)).isEqualTo(8_000);
    assertThat(RetryPolicy.backoffCapMs(8, o)).isEqualTo(60_000);
    assertThat(RetryPolicy.backoffCapMs(Integer.MAX_VALUE, o)).isEqualTo(60_000);
    assertThat(RetryPolicy.backoffCapMs(100, o.withBackoff(1, Long.MAX_VALUE))).isEqualTo(1L << 40);
  }

  @Test
  void delayIsFullJitterUnlessRetryAfterApplies() {
    WebhookOptions o = WebhookOptions.defaults("").withBackoff(100, 5_000);
    LongUnaryOperator top = b -> b - 1;

    assertThat(RetryPolicy.delayMs(3, 500, "2", o, 0, top)).as("500 ignores Retry-After").isEqualTo(399);
    assertThat(RetryPolicy.delayMs(3, 503, "2", o, 0, top)).isEqualTo(2_000);
    assertThat(RetryPolicy.delayMs(3, 429, "3600", o, 0, top)).as("capped").isEqualTo(5_000);
    assertThat(RetryPolicy.delayMs(3, 429, "soon", o, 0, top)).as("unparseable").isEqualTo(399);
    assertThat(RetryPolicy.delayMs(1, -1, null, o, 0, b -> 0)).isZero();
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    long now = 1_445_412_480_000L; // Wed, 21 Oct 2015 07:28:00 GMT

    assertThat(RetryPolicy.retryAfterMs("120", now)).hasValue(120_000);
    assertThat(RetryPolicy.retryAfterMs("Wed, 21 Oct 2015 07:28:30 GMT", now)).hasValue(30_000);
    assertThat(RetryPolicy.retryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now)).hasValue(0);
    assertThat(RetryPolicy.retryAfterMs("-1", now)).isEmpty();
    assertThat(RetryPolicy.retryAfterMs(null, now)).isEmpty();
  }

  @Test
  void retriesOnlyTransientStatuses() {
    assertThat(RetryPolicy.retryable(408)).isTrue();
    assertThat(RetryPolicy.retryable(429)).isTrue();
    assertThat(RetryPolicy.retryable(500)).isTrue();
    assertThat(RetryPolicy.retryable(503)).isTrue();
    assertThat(RetryPolicy.retryable(400)).isFalse();
    assertThat(RetryPolicy.retryable(404)).isFalse();
    assertThat(RetryPolicy.retryable(301)).isFalse();
  }

  private static void assertInvalid(String field, Runnable build) {
    assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(field);
  }
}
