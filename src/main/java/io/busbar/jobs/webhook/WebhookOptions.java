package io.busbar.jobs.webhook;

/**
 * Settings of a {@link WebhookSender}. Every instance is valid: the canonical constructor checks
 * each field and throws an {@link IllegalArgumentException} that names the first bad one. Build
 * instances with {@link #of} or {@link #defaults}.
 *
 * @param secret the HMAC-SHA256 key of the {@code Busbar-Signature} header, never null. Empty
 *     means deliveries go out unsigned (the sender logs a warning once when it is created).
 *     {@link #toString()} never shows it.
 * @param maxAttempts attempts per delivery, the first one included, at least 1. Default
 *     {@value #DEFAULT_MAX_ATTEMPTS}.
 * @param initialBackoffMs the backoff cap before the second attempt in milliseconds, at least 1;
 *     it doubles with every attempt. Default {@value #DEFAULT_INITIAL_BACKOFF_MS}.
 * @param maxBackoffMs the upper bound of any wait between attempts in milliseconds, including a
 *     receiver's {@code Retry-After}; at least {@code initialBackoffMs}. Default
 *     {@value #DEFAULT_MAX_BACKOFF_MS}.
 * @param timeoutMs the time one attempt may take, connecting included, until the whole response
 *     has arrived, in milliseconds, at least 1. Default {@value #DEFAULT_TIMEOUT_MS}.
 * @param maxInFlight deliveries that may be active at once (an active delivery counts until its
 *     outcome, backoff waits included), at least 1. Default {@value #DEFAULT_MAX_IN_FLIGHT}.
 * @param maxQueued deliveries that may wait for a free slot, at least 1. When the queue is full,
 *     the oldest waiting delivery is dropped. Default {@value #DEFAULT_MAX_QUEUED}.
 */
public record WebhookOptions(
    String secret,
    int maxAttempts,
    long initialBackoffMs,
    long maxBackoffMs,
    long timeoutMs,
    int maxInFlight,
    int maxQueued) {

  /** Default attempts per delivery: 5. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** Default backoff cap before the second attempt: 500 ms. */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 500L;

  /** Default upper bound of a wait between attempts: 60,000 ms. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 60_000L;

  /** Default time limit of one attempt: 10,000 ms. */
  public static final long DEFAULT_TIMEOUT_MS = 10_000L;

  /** Default number of deliveries active at once: 256. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  /** Default number of deliveries waiting for a slot: 4,096. */
  public static final int DEFAULT_MAX_QUEUED = 4_096;

  /**
   * Checks every field; see the record description for the rules.
   *
   * @param secret HMAC key, {@code ""} for unsigned deliveries, never null
   * @param maxAttempts attempts per delivery, at least 1
   * @param initialBackoffMs backoff cap before the second attempt, in milliseconds, at least 1
   * @param maxBackoffMs upper bound of a wait between attempts, in milliseconds, at least
   *     {@code initialBackoffMs}
   * @param timeoutMs time limit of one attempt, in milliseconds, at least 1
   * @param maxInFlight deliveries active at once, at least 1
   * @param maxQueued deliveries waiting for a slot, at least 1
   * @throws IllegalArgumentException naming the first invalid field
   */
  public WebhookOptions {
    if (secret == null) {
      throw new IllegalArgumentException("secret must not be null (use \"\" for unsigned deliveries)");
    }
    requireAtLeast("maxAttempts", maxAttempts, 1);
    requireAtLeast("initialBackoffMs", initialBackoffMs, 1);
    requireAtLeast("maxBackoffMs", maxBackoffMs, initialBackoffMs);
    requireAtLeast("timeoutMs", timeoutMs, 1);
    requireAtLeast("maxInFlight", maxInFlight, 1);
    requireAtLeast("maxQueued", maxQueued, 1);
  }

  /**
   * Creates validated options.
   *
   * @param secret HMAC key, {@code ""} for unsigned deliveries
   * @param maxAttempts attempts per delivery, at least 1
   * @param initialBackoffMs backoff cap before the second attempt, in milliseconds, at least 1
   * @param maxBackoffMs upper bound of a wait between attempts, in milliseconds
   * @param timeoutMs time limit of one attempt, in milliseconds, at least 1
   * @param maxInFlight deliveries active at once, at least 1
   * @param maxQueued deliveries waiting for a slot, at least 1
   * @return the options
   * @throws IllegalArgumentException naming the first invalid field
   */
  public static WebhookOptions of(String secret, int maxAttempts, long initialBackoffMs,
      long maxBackoffMs, long timeoutMs, int maxInFlight, int maxQueued) {
    return new WebhookOptions(secret, maxAttempts, initialBackoffMs, maxBackoffMs, timeoutMs,
        maxInFlight, maxQueued);
  }

  /**
   * The default options with the given secret.
   *
   * @param secret HMAC key, {@code ""} for unsigned deliveries
   * @return options with every other field at its {@code DEFAULT_*} value
   * @throws IllegalArgumentException if {@code secret} is null
   */
  public static WebhookOptions defaults(String secret) {
    return new WebhookOptions(secret, DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF_MS,
        DEFAULT_MAX_BACKOFF_MS, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_QUEUED);
  }

  /**
   * A copy with other backoff bounds.
   *
   * @param initialMs backoff cap before the second attempt, in milliseconds
   * @param maxMs upper bound of a wait between attempts, in milliseconds
   * @return the copy
   * @throws IllegalArgumentException naming the invalid field
   */
  public WebhookOptions withBackoff(long initialMs, long maxMs) {
    return new WebhookOptions(secret, maxAttempts, initialMs, maxMs, timeoutMs, maxInFlight, maxQueued);
  }

  /**
   * Whether deliveries are signed.
   *
   * @return true when the secret is not empty, so requests carry a {@code Busbar-Signature} header
   */
  public boolean signed() {
    return !secret.isEmpty();
  }

  /** Shows every field except the secret, which appears as {@code ***} or {@code <none>}. */
  @Override
  public String toString() {
    return "WebhookOptions[secret=" + (signed() ? "***" : "<none>") + ", maxAttempts=" + maxAttempts
        + ", initialBackoffMs=" + initialBackoffMs + ", maxBackoffMs=" + maxBackoffMs
        + ", timeoutMs=" + timeoutMs + ", maxInFlight=" + maxInFlight + ", maxQueued=" + maxQueued + "]";
  }

  private static void requireAtLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
    }
  }
}
