package io.busbar.jobs.sched;

import java.util.Comparator;
import java.util.function.LongSupplier;

/**
 * {@link Policy#PRIORITY}: highest effective priority first, FIFO among equals, plus the hard
 * maximum-wait rule of {@link AgingPendingQueue}.
 *
 * <p>Aging is continuous: {@code effective = priority + waitedMs / agingIntervalMs}, with exact
 * (not rounded) division. Every queued entry ages at the same rate, so comparing the effective
 * priorities of two entries at any instant is the same as comparing
 * {@code priority·agingIntervalMs − enqueuedAtMs}, which does not depend on the time. The tree
 * order therefore stays valid without re-sorting; the comparison is done in exact, saturating
 * long arithmetic. Not thread-safe.
 *
 * @param <T> the payload type
 */
final class PriorityPendingQueue<T> extends AgingPendingQueue<T> {

  PriorityPendingQueue(LongSupplier clock, SchedConfig config) {
    super(Policy.PRIORITY, clock, config.maxWaitMs(), agedOrder(config.agingIntervalMs()));
  }

  /**
   * Higher effective priority first: {@code a} goes first when
   * {@code (a.priority − b.priority)·agingIntervalMs > a.enqueuedAtMs − b.enqueuedAtMs}.
   */
  static <T> Comparator<PendingEntry<T>> agedOrder(long agingIntervalMs) {
    return (a, b) -> {
      long priorityGap = saturatedMultiply((long) a.priority() - b.priority(), agingIntervalMs);
      long arrivalGap = a.enqueuedAtMs() - b.enqueuedAtMs();
      return Long.compare(arrivalGap, priorityGap);
    };
  }

  /** {@code a·b}, clamped to the long range instead of overflowing. */
  static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
      return low;
    }
    return high < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }
}
