package io.busbar.jobs.sched;

import java.util.Objects;
import java.util.function.LongSupplier;

/** Creates {@link PendingQueue}s. */
public final class PendingQueues {

  private PendingQueues() {
  }

  /**
   * Creates an empty pending queue for a policy.
   *
   * @param policy the ordering policy, not null
   * @param config aging settings, not null; ignored by {@link Policy#FCFS}
   * @param clockMs current time in milliseconds, not null; should not step back (e.g. derived
   *     from {@code System.nanoTime()}), since waits are measured on it
   * @param <T> the payload type
   * @return a new queue, not thread-safe
   */
  public static <T> PendingQueue<T> create(
      Policy policy, SchedConfig config, LongSupplier clockMs) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clockMs, "clockMs");
    return switch (policy) {
      case FCFS -> new FcfsPendingQueue<>(clockMs);
      case PRIORITY -> new PriorityPendingQueue<>(clockMs, config);
      case SJF -> new SjfPendingQueue<>(clockMs, config);
    };
  }
}
