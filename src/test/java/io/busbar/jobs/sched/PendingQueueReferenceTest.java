package io.busbar.jobs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs long seeded random sequences of operations against each queue and against a reference
 * that keeps a plain list and sorts it by the written rules on every question.
 */
class PendingQueueReferenceTest {

  private static final int OPERATIONS = 5_000;
  private static final SchedConfig CONFIG = new SchedConfig(400, 100);

  static Stream<Arguments> policiesAndSeeds() {
    return Stream.of(Policy.values())
        .flatMap(p -> Stream.of(1L, 2L, 3L, 4L, 5L).map(seed -> Arguments.of(p, seed)));
  }

  @ParameterizedTest(name = "{0} seed={1}")
  @MethodSource("policiesAndSeeds")
  void matchesTheSortedListReference(Policy policy, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    ManualClock clock = new ManualClock(rnd.nextLong(-1_000_000, 1_000_000));
    PendingQueue<String> queue = PendingQueues.create(policy, CONFIG, clock);
    List<PendingEntry<String>> reference = new ArrayList<>();
    List<PendingEntry<String>> polled = new ArrayList<>();
    int nextId = 0;
    int overdueSeen = 0;

    for (int op = 0; op < OPERATIONS; op++) {
      clock.advance(rnd.nextInt(100) == 0 ? -rnd.nextInt(50) : rnd.nextInt(30));
      long now = clock.getAsLong();
      List<PendingEntry<String>> expected = runOrder(policy, reference, now);
      int dice = rnd.nextInt(100);
      if (dice < 40) {
        PendingEntry<String> e = queue.offer(
            "j" + nextId++, rnd.nextInt(5), COSTS[rnd.nextInt(COSTS.length)], "payload");
        reference.add(e);
      } else if (dice < 65) {
        PendingEntry<String> e = queue.poll();
        assertThat(e).isEqualTo(expected.isEmpty() ? null : expected.get(0));
        if (e != null) {
          reference.remove(e);
          polled.add(e);
        }
      } else if (dice < 75) {
        String id = "j" + rnd.nextInt(nextId + 1);
        PendingEntry<String> removed = queue.remove(id);
        assertThat(removed).isEqualTo(find(reference, id));
        reference.remove(removed);
      } else if (dice < 80 && !polled.isEmpty()) {
        PendingEntry<String> back = polled.remove(rnd.nextInt(polled.size()));
        queue.offer(back);
        reference.add(back);
      } else if (dice < 90) {
        String id = "j" + rnd.nextInt(nextId + 1);
        PendingEntry<String> e = find(reference, id);
        assertThat(queue.position(id)).isEqualTo(e == null ? -1 : expected.indexOf(e));
      } else {
        int limit = rnd.nextInt(reference.size() + 2);
        assertThat(queue.snapshot(limit))
            .isEqualTo(expected.subList(0, Math.min(limit, expected.size())));
      }
      assertThat(queue.size()).isEqualTo(reference.size());
      List<PendingEntry<String>> after = runOrder(policy, reference, now);
      assertThat(queue.peek()).isEqualTo(after.isEmpty() ? null : after.get(0));
      overdueSeen += after.isEmpty() || now - after.get(0).enqueuedAtMs() < 400 ? 0 : 1;
    }
    assertThat(queue.snapshot(Integer.MAX_VALUE))
        .isEqualTo(runOrder(policy, reference, clock.getAsLong()));
    if (policy != Policy.FCFS) {
      // The sequences must exercise the starvation guard, not only the policy order.
      assertThat(overdueSeen).isGreaterThan(OPERATIONS / 20);
    }
  }

  private static final double[] COSTS = {0.0, 1.0, 1.0, 5.0, 10.0, 10.0, 50.5};

  private static PendingEntry<String> find(List<PendingEntry<String>> entries, String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
  }

  /** The rules as written: overdue entries first, oldest first; then the policy; then FIFO. */
  private static List<PendingEntry<String>> runOrder(
      Policy policy, List<PendingEntry<String>> entries, long now) {
    Comparator<PendingEntry<String>> fifo = Comparator
        .<PendingEntry<String>>comparingLong(PendingEntry::enqueuedAtMs)
        .thenComparingLong(PendingEntry::sequence);
    Comparator<PendingEntry<String>> order = switch (policy) {
      case FCFS -> fifo;
      case PRIORITY -> guarded(now, byEffectivePriority(now).thenComparing(fifo), fifo);
      case SJF -> guarded(now,
          Comparator.<PendingEntry<String>>comparingDouble(PendingEntry::estimatedCostMs)
              .thenComparing(fifo), fifo);
    };
    List<PendingEntry<String>> sorted = new ArrayList<>(entries);
    sorted.sort(order);
    return sorted;
  }

  private static Comparator<PendingEntry<String>> guarded(
      long now, Comparator<PendingEntry<String>> policyOrder,
      Comparator<PendingEntry<String>> fifo) {
    return (a, b) -> {
      boolean aOverdue = now - a.enqueuedAtMs() >= CONFIG.maxWaitMs();
      boolean bOverdue = now - b.enqueuedAtMs() >= CONFIG.maxWaitMs();
      if (aOverdue != bOverdue) {
        return aOverdue ? -1 : 1;
      }
      return aOverdue ? fifo.compare(a, b) : policyOrder.compare(a, b);
    };
  }

  /**
   * Higher {@code priority + waited / agingIntervalMs} first, compared exactly by multiplying
   * both sides by the interval.
   */
  private static Comparator<PendingEntry<String>> byEffectivePriority(long now) {
    long interval = CONFIG.agingIntervalMs();
    return Comparator.<PendingEntry<String>>comparingLong(
        e -> e.priority() * interval + (now - e.enqueuedAtMs())).reversed();
  }
}
