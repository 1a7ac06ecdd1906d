package io.busbar.jobs.sched;

import java.util.Comparator;
import java.util.function.LongSupplier;

/**
 * {@link Policy#SJF}: smallest {@link PendingEntry#estimatedCostMs()} first, FIFO among equal
 * costs, plus the hard maximum-wait rule of {@link AgingPendingQueue} so a long job waits at
 * most {@link SchedConfig#maxWaitMs()} before only older jobs can run ahead of it. Not
 * thread-safe.
 *
 * @param <T> the payload type
 */
final class SjfPendingQueue<T> extends AgingPendingQueue<T> {

  SjfPendingQueue(LongSupplier clock, SchedConfig config) {
    super(Policy.SJF, clock, config.maxWaitMs(), costOrder());
  }

  private static <T> Comparator<PendingEntry<T>> costOrder() {
    return Comparator.comparingDouble(PendingEntry::estimatedCostMs);
  }
}
