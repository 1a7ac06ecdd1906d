package io.busbar.jobs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityPendingQueueTest {

  private static final long NO_AGING = Long.MAX_VALUE;

  private final ManualClock clock = new ManualClock(0);

  private PendingQueue<String> queue(long maxWaitMs, long agingIntervalMs) {
    SchedConfig config = new SchedConfig(maxWaitMs, agingIntervalMs);
    return PendingQueues.create(Policy.PRIORITY, config, clock);
  }

  @Test
  void higherPriorityRunsFirstAndEqualsRunFifo() {
    PendingQueue<String> q = queue(NO_AGING, NO_AGING);
    q.offer("low", 1, 1.0, "p");
    q.offer("high-1", 7, 1.0, "p");
    q.offer("mid", 4, 1.0, "p");
    q.offer("high-2", 7, 1.0, "p");
    q.offer("negative", -3, 1.0, "p");
    q.offer("high-3", 7, 1.0, "p");
    assertThat(drain(q)).containsExactly("high-1", "high-2", "high-3", "mid", "low", "negative");
  }

  @Test
  void extremePrioritiesDoNotOverflowTheComparison() {
    PendingQueue<String> q = queue(NO_AGING, NO_AGING);
    q.offer("min", Integer.MIN_VALUE, 1.0, "p");
    q.offer("max", Integer.MAX_VALUE, 1.0, "p");
    q.offer("zero", 0, 1.0, "p");
    assertThat(drain(q)).containsExactly("max", "zero", "min");
  }

  @Test
  void waitingRaisesEffectivePriorityByOnePerAgingInterval() {
    PendingQueue<String> q = queue(NO_AGING, 100);
    q.offer("low", 0, 1.0, "p");
    for (int t = 100; t <= 500; t += 100) {
      clock.set(t);
      q.offer("high@" + t, 3, 1.0, "p");
    }
    // Effective priorities at t=500: low 0 + 5 = 5; high@100 3 + 4 = 7; high@200 6;
    // high@300 5 (ties with low, which arrived first); high@400 4; high@500 3.
    assertThat(drain(q))
        .containsExactly("high@100", "high@200", "low", "high@300", "high@400", "high@500");
  }

  @Test
  void agingOrderDoesNotDependOnWhenItIsRead() {
    PendingQueue<String> q = queue(NO_AGING, 100);
    q.offer("low", 0, 1.0, "p");
    clock.set(250);
    q.offer("high", 2, 1.0, "p");
    clock.set(260);
    List<PendingEntry<String>> early = q.snapshot(10);
    clock.set(1_000_000);
    assertThat(q.snapshot(10)).isEqualTo(early);
    assertThat(early).extracting(PendingEntry::id).containsExactly("low", "high");
  }

  @Test
  void lowPriorityJobRunsOnceItHasWaitedMaxWaitDespiteAStreamOfHighPriorityJobs() {
    long maxWaitMs = 1_000;
    PendingQueue<String> q = queue(maxWaitMs, NO_AGING);
    q.offer("low", 0, 1.0, "p");
    int arrivals = 0;
    for (int i = 0; i < 5; i++) {
      q.offer("high-" + arrivals++, 10, 1.0, "p");
    }
    long servedAt = -1;
    while (servedAt < 0) {
      clock.advance(10);
      q.offer("high-" + arrivals++, 10, 1.0, "p");
      q.offer("high-" + arrivals++, 10, 1.0, "p");
      PendingEntry<String> next = q.poll();
      if (next.id().equals("low")) {
        servedAt = clock.getAsLong();
      } else {
        assertThat(clock.getAsLong()).isLessThan(maxWaitMs);
      }
    }
    assertThat(servedAt).isEqualTo(maxWaitMs);
    assertThat(q.size()).isGreaterThan(100);
  }

  @Test
  void overdueEntriesRunOldestFirstRegardlessOfPriority() {
    PendingQueue<String> q = queue(100, NO_AGING);
    q.offer("a", 0, 1.0, "p");
    clock.set(10);
    q.offer("b", 5, 1.0, "p");
    clock.set(20);
    q.offer("c", 1, 1.0, "p");
    clock.set(30);
    q.offer("d", 9, 1.0, "p");

    clock.set(99);
    assertThat(ids(q.snapshot(10))).containsExactly("d", "b", "c", "a");
    clock.set(100);
    assertThat(ids(q.snapshot(10))).containsExactly("a", "d", "b", "c");
    clock.set(115);
    assertThat(ids(q.snapshot(10))).containsExactly("a", "b", "d", "c");
    assertThat(q.position("c")).isEqualTo(3);
    assertThat(q.position("b")).isEqualTo(1);
    clock.set(125);
    assertThat(ids(q.snapshot(10))).containsExactly("a", "b", "c", "d");
    assertThat(ids(q.snapshot(2))).containsExactly("a", "b");
    assertThat(q.position("d")).isEqualTo(3);
    assertThat(q.peek().id()).isEqualTo("a");
  }

  @Test
  void removingTheOldestEntryHandsTheGuardToTheNextOldest() {
    PendingQueue<String> q = queue(100, NO_AGING);
    q.offer("old", 0, 1.0, "p");
    clock.set(50);
    q.offer("younger", 0, 1.0, "p");
    q.offer("urgent", 9, 1.0, "p");
    clock.set(150);
    assertThat(q.peek().id()).isEqualTo("old");
    q.remove("old");
    assertThat(q.peek().id()).isEqualTo("younger");
  }

  @Test
  void saturatedMultiplyClampsInsteadOfOverflowing() {
    assertThat(PriorityPendingQueue.saturatedMultiply(3, 4)).isEqualTo(12);
    assertThat(PriorityPendingQueue.saturatedMultiply(-3, 4)).isEqualTo(-12);
    assertThat(PriorityPendingQueue.saturatedMultiply(0, Long.MAX_VALUE)).isZero();
    assertThat(PriorityPendingQueue.saturatedMultiply(2, Long.MAX_VALUE))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(PriorityPendingQueue.saturatedMultiply(-2, Long.MAX_VALUE))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(PriorityPendingQueue.saturatedMultiply(1L << 32, 1L << 31))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(PriorityPendingQueue.saturatedMultiply(-(1L << 32), 1L << 31))
        .isEqualTo(Long.MIN_VALUE);
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
