package io.busbar.jobs.sched;

/**
 * Tuning of the aging rules of the {@link Policy#PRIORITY} and {@link Policy#SJF} pending
 * queues. {@link Policy#FCFS} ignores it.
 *
 * <p><b>Starvation guarantee.</b> An entry that has waited at least {@code maxWaitMs} is
 * <em>overdue</em>. Overdue entries run before all entries that are not, oldest first (by
 * enqueue time, then sequence). So once an entry is overdue, no entry that arrived after it runs
 * before it, whatever its priority or cost: only entries that arrived before it (including ones
 * put back with {@link PendingQueue#offer(PendingEntry)}) can still run ahead of it. Until then,
 * later arrivals may overtake it as the policy says. The bound counts polls, not time: how soon an overdue entry actually starts
 * depends on how often a worker frees up.
 *
 * <p><b>Aging</b> ({@link Policy#PRIORITY} only) is continuous:
 * {@code effective = priority + waitedMs / agingIntervalMs}, exact division, higher first. A job
 * of priority {@code p} therefore runs before any job of priority {@code p + k} that arrives at
 * least {@code k·agingIntervalMs} after it (ties go FIFO).
 *
 * @param maxWaitMs the starvation bound in milliseconds, at least 1: an entry that has waited
 *     this long goes before every entry that has not (oldest first). {@link Long#MAX_VALUE}
 *     disables the rule. Default {@value #DEFAULT_MAX_WAIT_MS}.
 * @param agingIntervalMs milliseconds of waiting that raise an entry's effective priority by 1
 *     under {@link Policy#PRIORITY}, at least 1; {@link Long#MAX_VALUE} makes priority classes
 *     strict (no aging). Default {@value #DEFAULT_AGING_INTERVAL_MS}.
 */
public record SchedConfig(long maxWaitMs, long agingIntervalMs) {

  /** Default starvation bound: 60,000 ms (one minute). */
  public static final long DEFAULT_MAX_WAIT_MS = 60_000L;

  /** Default aging interval: 5,000 ms of waiting per priority level. */
  public static final long DEFAULT_AGING_INTERVAL_MS = 5_000L;

  /**
   * Creates a validated configuration.
   *
   * @param maxWaitMs the starvation bound in milliseconds, at least 1
   * @param agingIntervalMs milliseconds of waiting per priority level, at least 1
   * @throws IllegalArgumentException naming the field that is below 1
   */
  public SchedConfig {
    if (maxWaitMs < 1) {
      throw new IllegalArgumentException("maxWaitMs must be >= 1, was " + maxWaitMs);
    }
    if (agingIntervalMs < 1) {
      throw new IllegalArgumentException("agingIntervalMs must be >= 1, was " + agingIntervalMs);
    }
  }

  /**
   * The default configuration.
   *
   * @return {@code new SchedConfig(DEFAULT_MAX_WAIT_MS, DEFAULT_AGING_INTERVAL_MS)}
   */
  public static SchedConfig defaults() {
    return new SchedConfig(DEFAULT_MAX_WAIT_MS, DEFAULT_AGING_INTERVAL_MS);
  }
}
