package io.busbar.jobs.engine;

import io.busbar.jobs.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Finished jobs in order of when their TTL ends. Not thread-safe: the engine's thread only. */
final class Expiry {

  private record Entry(long at, String id) {
  }

  private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));

  /** Remembers that {@code job} may be removed once its TTL has passed. */
  void add(Job job) {
    heap.add(new Entry(job.finishedAt() + job.resultTtlMs(), job.id()));
  }

  /** Ids whose TTL has passed at {@code nowMs}, removed from here; the caller re-checks the job. */
  List<String> due(long nowMs) {
    List<String> due = new ArrayList<>();
    while (!heap.isEmpty() && heap.peek().at() <= nowMs) {
      due.add(heap.poll().id());
    }
    return due;
  }
}
