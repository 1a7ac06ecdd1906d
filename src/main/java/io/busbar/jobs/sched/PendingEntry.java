package io.busbar.jobs.sched;

import java.util.Comparator;
import java.util.Objects;

/**
 * A job waiting in a {@link PendingQueue}. Entries are normally created and stamped by
 * {@link PendingQueue#offer(String, int, double, Object)}; offering an entry that a queue
 * returned earlier puts it back in its original place (its time and sequence are kept).
 *
 * @param id unique id within a queue, not null or empty
 * @param enqueuedAtMs when it was queued, in milliseconds on the queue's clock
 * @param priority larger runs first under {@link Policy#PRIORITY}
 * @param estimatedCostMs estimated run time in milliseconds, finite and non-negative; smaller
 *     runs first under {@link Policy#SJF}
 * @param sequence arrival counter stamped by the queue; breaks ties between equal times
 * @param payload the job itself, not null
 * @param <T> the payload type
 */
public record PendingEntry<T>(
    String id, long enqueuedAtMs, int priority, double estimatedCostMs, long sequence, T payload) {

  /**
   * Creates an entry; a cost of {@code -0.0} is stored as {@code 0.0}.
   *
   * @param id unique id within a queue, not null or empty
   * @param enqueuedAtMs when it was queued, in milliseconds on the queue's clock
   * @param priority larger runs first under {@link Policy#PRIORITY}
   * @param estimatedCostMs estimated run time in milliseconds, finite and non-negative
   * @param sequence arrival counter stamped by the queue
   * @param payload the job itself, not null
   * @throws NullPointerException if {@code id} or {@code payload} is null
   * @throws IllegalArgumentException if {@code id} is empty or the cost is negative or not
   *     finite
   */
  public PendingEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    if (!Double.isFinite(estimatedCostMs) || estimatedCostMs < 0.0) {
      throw new IllegalArgumentException(
          "estimatedCostMs must be finite and >= 0, was " + estimatedCostMs);
    }
    // Adding +0.0 turns -0.0 into 0.0, so Double.compare treats all zero costs as equal.
    estimatedCostMs = estimatedCostMs + 0.0;
  }

  /**
   * How long this entry has waited.
   *
   * @param nowMs the current time in milliseconds on the queue's clock
   * @return {@code nowMs − enqueuedAtMs}, in milliseconds
   */
  public long waitedMs(long nowMs) {
    return nowMs - enqueuedAtMs;
  }

  /**
   * Arrival order: earlier {@link #enqueuedAtMs()} first, then lower {@link #sequence()}, then
   * {@link #id()} so that the order is total.
   *
   * @param <T> the payload type
   * @return the comparator
   */
  public static <T> Comparator<PendingEntry<T>> arrivalOrder() {
    return Comparator.<PendingEntry<T>>comparingLong(PendingEntry::enqueuedAtMs)
        .thenComparingLong(PendingEntry::sequence)
        .thenComparing(PendingEntry::id);
  }
}
