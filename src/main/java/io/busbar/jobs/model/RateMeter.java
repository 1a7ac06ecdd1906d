package io.busbar.jobs.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Events per second over a sliding window of whole seconds, kept as a ring of per-second
 * buckets.
 *
 * <p>Seconds are counted from the meter's creation on the injected {@code nanoTime} clock
 * (monotonic nanoseconds, e.g. {@code System::nanoTime}; tests pass a fake). The rate covers
 * the current, partly elapsed second and the {@code windowSeconds − 1} seconds before it, divided
 * by {@code windowSeconds}; while the meter is younger than the window it divides by the number
 * of seconds started since creation instead. Buckets older than the window are ignored, so an
 * idle meter decays to 0 once a full window has passed without events.
 *
 * <p>Thread-safe: every method takes one internal {@link ReentrantLock}. {@link #mark(long)}
 * holds it for O(1) work, {@link #ratePerSecond()} for O(windowSeconds).
 */
public final class RateMeter {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final ReentrantLock lock = new ReentrantLock();
  private final LongSupplier nanoTime;
  private final long originNanos;
  private final long[] counts;
  private final long[] bucketSecond;
  private long lastSecond;

  /**
   * Creates a meter.
   *
   * @param windowSeconds window length in seconds, at least 1
   * @param nanoTime monotonic clock in nanoseconds
   */
  public RateMeter(int windowSeconds, LongSupplier nanoTime) {
    if (windowSeconds < 1) {
      throw new IllegalArgumentException("windowSeconds must be >= 1, was " + windowSeconds);
    }
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.originNanos = nanoTime.getAsLong();
    this.counts = new long[windowSeconds];
    this.bucketSecond = new long[windowSeconds];
    Arrays.fill(bucketSecond, Long.MIN_VALUE);
  }

  /**
   * Creates a meter on {@link System#nanoTime()}.
   *
   * @param windowSeconds window length in seconds, at least 1
   * @return the meter
   */
  public static RateMeter ofSystemClock(int windowSeconds) {
    return new RateMeter(windowSeconds, System::nanoTime);
  }

  /** Records one event now. */
  public void mark() {
    mark(1);
  }

  /**
   * Records {@code n} events now.
   *
   * @param n number of events, 0 or more
   */
  public void mark(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    lock.lock();
    try {
      long second = currentSecond();
      int i = index(second);
      if (bucketSecond[i] != second) {
        bucketSecond[i] = second;
        counts[i] = 0;
      }
      counts[i] += n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The event rate over the window.
   *
   * @return events per second, 0 or more
   */
  public double ratePerSecond() {
    lock.lock();
    try {
      long second = currentSecond();
      long divisor = Math.min(counts.length, second + 1);
      return (double) sumSince(second) / divisor;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The number of events counted in the window (the numerator of {@link #ratePerSecond()}).
   *
   * @return events in the current second and the {@code windowSeconds − 1} before it
   */
  public long windowCount() {
    lock.lock();
    try {
      return sumSince(currentSecond());
    } finally {
      lock.unlock();
    }
  }

  /**
   * The window length.
   *
   * @return the window in seconds
   */
  public int windowSeconds() {
    return counts.length;
  }

  private long sumSince(long second) {
    long oldest = second - counts.length + 1;
    long sum = 0;
    for (int i = 0; i < counts.length; i++) {
      if (bucketSecond[i] >= oldest && bucketSecond[i] <= second) {
        sum += counts[i];
      }
    }
    return sum;
  }

  private long currentSecond() {
    // Clamp so a clock that steps back cannot overwrite newer buckets.
    long second = Math.floorDiv(nanoTime.getAsLong() - originNanos, NANOS_PER_SECOND);
    lastSecond = Math.max(lastSecond, second);
    return lastSecond;
  }

  private int index(long second) {
    return (int) Math.floorMod(second, (long) counts.length);
  }
}
