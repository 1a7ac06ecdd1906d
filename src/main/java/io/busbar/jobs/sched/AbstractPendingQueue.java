package io.busbar.jobs.sched;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The policy-independent part of a {@link PendingQueue}: stamping, the index by id and argument
 * checks. Subclasses keep the ordered structures. Not thread-safe.
 *
 * @param <T> the payload type
 */
abstract class AbstractPendingQueue<T> implements PendingQueue<T> {

  private final Policy policy;
  private final LongSupplier clock;
  private final Map<String, PendingEntry<T>> byId = new HashMap<>();
  private long nextSequence;
  private long lastStampMs = Long.MIN_VALUE;

  AbstractPendingQueue(Policy policy, LongSupplier clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Adds an entry, whose id is not yet queued, to the ordered structures. */
  abstract void attach(PendingEntry<T> entry);

  /** Removes a queued entry from the ordered structures. */
  abstract void detach(PendingEntry<T> entry);

  /** The next entry to run at {@code nowMs}; the queue is not empty. */
  abstract PendingEntry<T> next(long nowMs);

  /** The number of entries that run before the queued {@code entry} at {@code nowMs}. */
  abstract int countBefore(PendingEntry<T> entry, long nowMs);

  /** The first {@code limit} entries in run order at {@code nowMs}. */
  abstract List<PendingEntry<T>> first(int limit, long nowMs);

  @Override
  public final PendingEntry<T> offer(String id, int priority, double estimatedCostMs, T payload) {
    // Stamps never decrease, so arrival order is offer order even if the clock steps back.
    long stamp = Math.max(clock.getAsLong(), lastStampMs);
    PendingEntry<T> entry =
        new PendingEntry<>(id, stamp, priority, estimatedCostMs, nextSequence, payload);
    offer(entry);
    lastStampMs = stamp;
    return entry;
  }

  @Override
  public final void offer(PendingEntry<T> entry) {
    Objects.requireNonNull(entry, "entry");
    if (byId.putIfAbsent(entry.id(), entry) != null) {
      throw new IllegalArgumentException("an entry with id '" + entry.id() + "' is already queued");
    }
    attach(entry);
    nextSequence = Math.max(nextSequence, entry.sequence() + 1);
  }

  @Override
  public final PendingEntry<T> poll() {
    PendingEntry<T> entry = peek();
    if (entry != null) {
      byId.remove(entry.id());
      detach(entry);
    }
    return entry;
  }

  @Override
  public final PendingEntry<T> peek() {
    return byId.isEmpty() ? null : next(clock.getAsLong());
  }

  @Override
  public final PendingEntry<T> remove(String id) {
    PendingEntry<T> entry = byId.remove(id);
    if (entry != null) {
      detach(entry);
    }
    return entry;
  }

  @Override
  public final boolean contains(String id) {
    return byId.containsKey(id);
  }

  @Override
  public final int position(String id) {
    PendingEntry<T> entry = byId.get(id);
    return entry == null ? -1 : countBefore(entry, clock.getAsLong());
  }

  @Override
  public final List<PendingEntry<T>> snapshot(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    return List.copyOf(first(Math.min(limit, byId.size()), clock.getAsLong()));
  }

  @Override
  public final int size() {
    return byId.size();
  }

  @Override
  public final Policy policy() {
    return policy;
  }
}
