package io.busbar.web.ws;

/**
 * A token bucket: holds at most {@code burst} tokens, refilled continuously at {@code ratePerSecond}, and starts
 * full. A rate of 0 means no limit. Not thread-safe: the owner serialises access.
 */
final class TokenBucket {

  private final int ratePerSecond;
  private final int burst;
  private double tokens;
  private long tokensAt;

  TokenBucket(int ratePerSecond, int burst, long nowNanos) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.tokensAt = nowNanos;
  }

  /** Takes one token if there is one; false when the rate is exceeded. */
  boolean tryTake(long nowNanos) {
    if (ratePerSecond <= 0) {
      return true;
    }
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely: it is then no different from a new one. */
  boolean isFull(long nowNanos) {
    if (ratePerSecond <= 0) {
      return true;
    }
    refill(nowNanos);
    return tokens >= burst;
  }

  private void refill(long nowNanos) {
    if (nowNanos > tokensAt) {   // a shared bucket may see a time read a little earlier by another thread
      tokens = Math.min(burst, tokens + (nowNanos - tokensAt) / 1e9 * ratePerSecond);
      tokensAt = nowNanos;
    }
  }
}
