package io.busbar.jobs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SjfPendingQueueTest {

  private final ManualClock clock = new ManualClock(0);

  private PendingQueue<String> queue(long maxWaitMs) {
    return PendingQueues.create(Policy.SJF, new SchedConfig(maxWaitMs, 1), clock);
  }

  @Test
  void shortestEstimateRunsFirstAndEqualsRunFifo() {
    PendingQueue<String> q = queue(Long.MAX_VALUE);
    q.offer("long", 99, 5_000.0, "p");
    q.offer("short-1", 0, 10.0, "p");
    q.offer("free", -1, 0.0, "p");
    q.offer("mid", 0, 250.5, "p");
    q.offer("short-2", 50, 10.0, "p");
    assertThat(drain(q)).containsExactly("free", "short-1", "short-2", "mid", "long");
  }

  @Test
  void longJobRunsOnceItHasWaitedMaxWaitDespiteAStreamOfShortJobs() {
    long maxWaitMs = 2_000;
    PendingQueue<String> q = queue(maxWaitMs);
    q.offer("long", 0, 60_000.0, "p");
    int arrivals = 0;
    long servedAt = -1;
    while (servedAt < 0) {
      clock.advance(25);
      q.offer("short-" + arrivals++, 0, 5.0, "p");
      q.offer("short-" + arrivals++, 0, 1.0, "p");
      PendingEntry<String> next = q.poll();
      if (next.id().equals("long")) {
        servedAt = clock.getAsLong();
      } else {
        assertThat(clock.getAsLong()).isLessThan(maxWaitMs);
      }
    }
    assertThat(servedAt).isEqualTo(maxWaitMs);
  }

  @Test
  void overdueLongJobMovesToTheFrontOfSnapshotAndPosition() {
    PendingQueue<String> q = queue(1_000);
    q.offer("long", 0, 1_000.0, "p");
    clock.set(500);
    q.offer("s1", 0, 1.0, "p");
    q.offer("s2", 0, 2.0, "p");
    q.offer("s3", 0, 1.0, "p");
    clock.set(999);
    assertThat(ids(q.snapshot(10))).containsExactly("s1", "s3", "s2", "long");
    assertThat(q.position("long")).isEqualTo(3);
    assertThat(q.position("s2")).isEqualTo(2);
    clock.set(1_000);
    assertThat(ids(q.snapshot(10))).containsExactly("long", "s1", "s3", "s2");
    assertThat(q.position("long")).isZero();
    assertThat(q.position("s2")).isEqualTo(3);
    assertThat(q.peek().id()).isEqualTo("long");
  }

  private static List<String> ids(List<PendingEntry<String>> entries) {
    return entries.stream().map(PendingEntry::id).toList();
  }

  private static List<String> drain(PendingQueue<String> q) {
    List<String> out = new ArrayList<>();
    for (PendingEntry<String> e = q.poll(); e != null; e = q.poll()) {
      out.add(e.id());
    }
    return out;
  }
}
