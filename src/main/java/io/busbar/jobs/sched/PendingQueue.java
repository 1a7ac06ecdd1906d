package io.busbar.jobs.sched;

import java.util.List;

/**
 * Jobs waiting to run, ordered by a {@link Policy}. Create one with
 * {@link PendingQueues#create(Policy, SchedConfig, java.util.function.LongSupplier)}.
 *
 * <p>The order may depend on the current time (aging), which the queue reads from its injected
 * millisecond clock. "Run order" below always means the order at the instant of the call: the
 * order in which the entries would be returned by consecutive {@link #poll()} calls made at
 * that instant with no new arrivals.
 *
 * <p>Not thread-safe: the scheduler uses each queue from a single event-loop thread. Every
 * entry id is unique within a queue.
 *
 * @param <T> the payload type
 */
public interface PendingQueue<T> {

  /**
   * Queues a new job, stamping it with the current clock time (never earlier than the previous
   * stamp) and the next sequence number. O(log n).
   *
   * @param id unique id, not null or empty
   * @param priority larger runs first under {@link Policy#PRIORITY}
   * @param estimatedCostMs estimated run time in milliseconds, finite and non-negative
   * @param payload the job, not null
   * @return the stamped entry
   * @throws IllegalArgumentException if an entry with this id is already queued, or a field is
   *     invalid (see {@link PendingEntry})
   */
  PendingEntry<T> offer(String id, int priority, double estimatedCostMs, T payload);

  /**
   * Queues an entry as is, keeping its time and sequence: a job that was polled but could not
   * be dispatched goes back to where it was. O(log n).
   *
   * @param entry the entry, not null
   * @throws IllegalArgumentException if an entry with the same id is already queued
   */
  void offer(PendingEntry<T> entry);

  /**
   * Removes and returns the entry that runs next. O(log n).
   *
   * @return the next entry, or null if the queue is empty
   */
  PendingEntry<T> poll();

  /**
   * Returns, without removing it, the entry that {@link #poll()} would return now. O(log n).
   *
   * @return the next entry, or null if the queue is empty
   */
  PendingEntry<T> peek();

  /**
   * Removes an entry by id, e.g. when its job is cancelled. O(log n).
   *
   * @param id the entry id
   * @return the removed entry, or null if no entry has this id
   */
  PendingEntry<T> remove(String id);

  /**
   * Tells whether an entry with this id is queued. O(1).
   *
   * @param id the entry id
   * @return true if queued
   */
  boolean contains(String id);

  /**
   * How many entries would run before this one, in run order at the current instant. O(n).
   *
   * @param id the entry id
   * @return 0 for the next entry to run, or -1 if no entry has this id
   */
  int position(String id);

  /**
   * The first entries in run order at the current instant. O(limit) when no entry is past the
   * maximum wait, O(n) at worst.
   *
   * @param limit the maximum number of entries to return, 0 or more
   * @return an unmodifiable list of at most {@code limit} entries
   */
  List<PendingEntry<T>> snapshot(int limit);

  /**
   * The number of queued entries. O(1).
   *
   * @return the size
   */
  int size();

  /**
   * Tells whether the queue is empty. O(1).
   *
   * @return true if no entry is queued
   */
  default boolean isEmpty() {
    return size() == 0;
  }

  /**
   * The ordering policy of this queue.
   *
   * @return the policy
   */
  Policy policy();
}
