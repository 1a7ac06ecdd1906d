package io.busbar.jobs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour every policy shares. Entries here tie on priority and cost, so all run FIFO. */
class PendingQueueContractTest {

  private final ManualClock clock = new ManualClock(1_000);

  private PendingQueue<String> queue(Policy policy) {
    return PendingQueues.create(policy, new SchedConfig(10_000, 1_000), clock);
  }

  private static List<String> ids(List<PendingEntry<String>> entries) {
    return entries.stream().map(PendingEntry::id).toList();
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void emptyQueueReturnsNull(Policy policy) {
    PendingQueue<String> q = queue(policy);
    assertThat(q.poll()).isNull();
    assertThat(q.peek()).isNull();
    assertThat(q.remove("x")).isNull();
    assertThat(q.position("x")).isEqualTo(-1);
    assertThat(q.snapshot(10)).isEmpty();
    assertThat(q.size()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void offerStampsClockTimeAndIncreasingSequence(Policy policy) {
    PendingQueue<String> q = queue(policy);
    PendingEntry<String> a = q.offer("a", 1, 2.0, "job-a");
    clock.advance(5);
    PendingEntry<String> b = q.offer("b", 1, 2.0, "job-b");
    assertThat(a).isEqualTo(new PendingEntry<>("a", 1_000, 1, 2.0, 0, "job-a"));
    assertThat(b.enqueuedAtMs()).isEqualTo(1_005);
    assertThat(b.sequence()).isEqualTo(1);
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.contains("a")).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void equalEntriesRunInArrivalOrder(Policy policy) {
    PendingQueue<String> q = queue(policy);
    for (int i = 0; i < 5; i++) {
      q.offer("j" + i, 3, 10.0, "p");
    }
    assertThat(ids(q.snapshot(10))).containsExactly("j0", "j1", "j2", "j3", "j4");
    assertThat(q.peek().id()).isEqualTo("j0");
    assertThat(q.poll().id()).isEqualTo("j0");
    assertThat(q.poll().id()).isEqualTo("j1");
    assertThat(q.size()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void duplicateIdIsRejectedAndLeavesTheQueueUnchanged(Policy policy) {
    PendingQueue<String> q = queue(policy);
    q.offer("a", 0, 1.0, "first");
    assertThatThrownBy(() -> q.offer("a", 9, 0.0, "second"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'");
    assertThat(q.size()).isEqualTo(1);
    assertThat(q.poll().payload()).isEqualTo("first");
    assertThat(q.offer("a", 0, 1.0, "again").sequence()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void invalidOfferIsRejectedAndLeavesTheQueueUnchanged(Policy policy) {
    PendingQueue<String> q = queue(policy);
    assertThatThrownBy(() -> q.offer("a", 0, -1.0, "p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.offer("b", 0, 1.0, "p").sequence()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void removeCancelsAnyEntry(Policy policy) {
    PendingQueue<String> q = queue(policy);
    for (String id : List.of("a", "b", "c", "d")) {
      q.offer(id, 0, 1.0, "p");
    }
    assertThat(q.remove("c").id()).isEqualTo("c");
    assertThat(q.remove("c")).isNull();
    assertThat(q.remove("a").id()).isEqualTo("a");
    assertThat(q.contains("a")).isFalse();
    assertThat(ids(q.snapshot(10))).containsExactly("b", "d");
    assertThat(q.position("d")).isEqualTo(1);
    assertThat(q.position("c")).isEqualTo(-1);
    assertThat(q.size()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void positionCountsEntriesAhead(Policy policy) {
    PendingQueue<String> q = queue(policy);
    for (String id : List.of("a", "b", "c")) {
      q.offer(id, 0, 1.0, "p");
    }
    assertThat(q.position("a")).isZero();
    assertThat(q.position("b")).isEqualTo(1);
    assertThat(q.position("c")).isEqualTo(2);
    q.poll();
    assertThat(q.position("c")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void snapshotHonoursTheLimitAndIsImmutable(Policy policy) {
    PendingQueue<String> q = queue(policy);
    for (String id : List.of("a", "b", "c")) {
      q.offer(id, 0, 1.0, "p");
    }
    assertThat(ids(q.snapshot(2))).containsExactly("a", "b");
    assertThat(q.snapshot(0)).isEmpty();
    List<PendingEntry<String>> all = q.snapshot(Integer.MAX_VALUE);
    assertThat(all).hasSize(3);
    assertThatThrownBy(() -> all.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> q.snapshot(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("limit");
    assertThat(q.size()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void requeuedEntryGoesBackToItsPlace(Policy policy) {
    PendingQueue<String> q = queue(policy);
    for (String id : List.of("a", "b", "c")) {
      q.offer(id, 0, 1.0, "p");
      clock.advance(1);
    }
    PendingEntry<String> first = q.poll();
    q.offer(first);
    assertThat(ids(q.snapshot(10))).containsExactly("a", "b", "c");
    assertThat(q.offer("d", 0, 1.0, "p").sequence()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void stampsNeverGoBackWhenTheClockDoes(Policy policy) {
    PendingQueue<String> q = queue(policy);
    q.offer("a", 0, 1.0, "p");
    clock.advance(-500);
    PendingEntry<String> b = q.offer("b", 0, 1.0, "p");
    assertThat(b.enqueuedAtMs()).isEqualTo(1_000);
    assertThat(ids(q.snapshot(10))).containsExactly("a", "b");
  }
}
