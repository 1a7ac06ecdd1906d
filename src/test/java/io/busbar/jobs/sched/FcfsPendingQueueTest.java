package io.busbar.jobs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FcfsPendingQueueTest {

  private final ManualClock clock = new ManualClock(0);
  private final PendingQueue<String> queue =
      PendingQueues.create(Policy.FCFS, new SchedConfig(1, 1), clock);

  @Test
  void runsInArrivalOrderIgnoringPriorityAndCost() {
    queue.offer("slow-low", -5, 9_000.0, "p");
    clock.advance(10);
    queue.offer("fast-high", 100, 1.0, "p");
    queue.offer("mid", 0, 50.0, "p");
    clock.advance(1_000_000);
    assertThat(drain()).containsExactly("slow-low", "fast-high", "mid");
  }

  @Test
  void positionAndSnapshotFollowArrival() {
    queue.offer("a", 9, 1.0, "p");
    queue.offer("b", 0, 1.0, "p");
    queue.offer("c", 5, 1.0, "p");
    assertThat(queue.position("c")).isEqualTo(2);
    assertThat(queue.snapshot(2)).extracting(PendingEntry::id).containsExactly("a", "b");
  }

  private List<String> drain() {
    List<String> out = new ArrayList<>();
    for (PendingEntry<String> e = queue.poll(); e != null; e = queue.poll()) {
      out.add(e.id());
    }
    return out;
  }
}
