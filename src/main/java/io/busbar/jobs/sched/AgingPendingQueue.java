package io.busbar.jobs.sched;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * A policy order guarded by a hard starvation bound: an entry that has waited at least
 * {@code maxWaitMs} is <em>overdue</em>, and overdue entries run before all others, oldest
 * first.
 *
 * <p>Guarantee (stated in full on {@link SchedConfig}): once an entry is overdue, no entry that
 * arrived after it runs before it.
 *
 * <p>Two red-black trees hold every entry: one in arrival order and one in policy order. The
 * policy order must not change with time (see {@link PriorityPendingQueue} for how aging keeps
 * it so). The overdue entries are exactly a prefix of arrival order, so the next entry is the
 * oldest entry if it is overdue and the policy's first entry otherwise: O(log n) for offer,
 * poll, peek and remove. Not thread-safe.
 *
 * @param <T> the payload type
 */
abstract class AgingPendingQueue<T> extends AbstractPendingQueue<T> {

  private final long maxWaitMs;
  private final TreeSet<PendingEntry<T>> arrival = new TreeSet<>(PendingEntry.arrivalOrder());
  private final TreeSet<PendingEntry<T>> ordered;

  /**
   * Creates an empty queue.
   *
   * @param policy the policy this queue implements
   * @param clock current time in milliseconds
   * @param maxWaitMs the wait in milliseconds from which an entry is overdue
   * @param policyOrder the policy's order, which must not change with time; ties fall back to
   *     arrival order, so it need not be total
   */
  AgingPendingQueue(
      Policy policy, LongSupplier clock, long maxWaitMs, Comparator<PendingEntry<T>> policyOrder) {
    super(policy, clock);
    this.maxWaitMs = maxWaitMs;
    this.ordered = new TreeSet<>(policyOrder.thenComparing(PendingEntry.arrivalOrder()));
  }

  @Override
  final void attach(PendingEntry<T> entry) {
    arrival.add(entry);
    ordered.add(entry);
  }

  @Override
  final void detach(PendingEntry<T> entry) {
    arrival.remove(entry);
    ordered.remove(entry);
  }

  @Override
  final PendingEntry<T> next(long nowMs) {
    PendingEntry<T> oldest = arrival.first();
    return overdue(oldest, nowMs) ? oldest : ordered.first();
  }

  @Override
  final int countBefore(PendingEntry<T> entry, long nowMs) {
    if (overdue(entry, nowMs)) {
      // Everything older is overdue too, and overdue entries run oldest first.
      return arrival.headSet(entry).size();
    }
    int count = 0;
    for (PendingEntry<T> e : arrival) {
      if (!overdue(e, nowMs)) {
        break;
      }
      count++;
    }
    for (PendingEntry<T> e : ordered.headSet(entry)) {
      if (!overdue(e, nowMs)) {
        count++;
      }
    }
    return count;
  }

  @Override
  final List<PendingEntry<T>> first(int limit, long nowMs) {
    List<PendingEntry<T>> out = new ArrayList<>(limit);
    Iterator<PendingEntry<T>> byArrival = arrival.iterator();
    while (out.size() < limit && byArrival.hasNext()) {
      PendingEntry<T> e = byArrival.next();
      if (!overdue(e, nowMs)) {
        break;
      }
      out.add(e);
    }
    Iterator<PendingEntry<T>> byPolicy = ordered.iterator();
    while (out.size() < limit && byPolicy.hasNext()) {
      PendingEntry<T> e = byPolicy.next();
      if (!overdue(e, nowMs)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Whether {@code entry} has waited at least {@code maxWaitMs} at {@code nowMs}. */
  final boolean overdue(PendingEntry<T> entry, long nowMs) {
    return entry.waitedMs(nowMs) >= maxWaitMs;
  }
}
