package io.busbar.jobs.sched;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * {@link Policy#FCFS}: strict arrival order ({@link PendingEntry#arrivalOrder()}), kept in a
 * red-black tree so that removal by id is O(log n). Not thread-safe.
 *
 * @param <T> the payload type
 */
final class FcfsPendingQueue<T> extends AbstractPendingQueue<T> {

  private final TreeSet<PendingEntry<T>> arrival = new TreeSet<>(PendingEntry.arrivalOrder());

  FcfsPendingQueue(LongSupplier clock) {
    super(Policy.FCFS, clock);
  }

  @Override
  void attach(PendingEntry<T> entry) {
    arrival.add(entry);
  }

  @Override
  void detach(PendingEntry<T> entry) {
    arrival.remove(entry);
  }

  @Override
  PendingEntry<T> next(long nowMs) {
    return arrival.first();
  }

  @Override
  int countBefore(PendingEntry<T> entry, long nowMs) {
    return arrival.headSet(entry).size();
  }

  @Override
  List<PendingEntry<T>> first(int limit, long nowMs) {
    List<PendingEntry<T>> out = new ArrayList<>(limit);
    Iterator<PendingEntry<T>> it = arrival.iterator();
    while (out.size() < limit && it.hasNext()) {
      out.add(it.next());
    }
    return out;
  }
}
