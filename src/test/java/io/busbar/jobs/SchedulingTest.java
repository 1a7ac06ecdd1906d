package io.busbar.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.jobs.JobReceipt;
import io.busbar.testsupport.JobsFixture;
import io.busbar.testsupport.Poll;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The order jobs run in under each policy, on single-thread pools so that it is deterministic. */
class SchedulingTest {

  private static JobsFixture jobs;

  @BeforeAll
  static void start() {
    jobs = JobsFixture.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    jobs.close();
  }

  private static List<String> submitAll(List<JsonObject> specs) {
    List<String> ids = new ArrayList<>();
    specs.forEach(s -> ids.add(jobs.submit(s).id()));
    return ids;
  }

  private static void awaitAll(List<String> ids) {
    ids.forEach(jobs::awaitFinal);
  }

  @Test
  void fcfsRunsInArrivalOrder() {
    jobs.blockQueue("fifo", "fifo-order");
    List<JsonObject> specs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      specs.add(JobsFixture.record("fifo", i).put("queue", "fifo").put("priority", 6 - i).put("costMs", 100 - i));
    }
    List<String> ids = submitAll(specs);

    jobs.handlers().open("fifo-order");
    awaitAll(ids);

    assertThat(jobs.handlers().order("fifo")).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void priorityRunsHigherFirstAndEqualsInArrivalOrder() {
    jobs.blockQueue("prio", "prio-order");
    int[] priorities = {1, 5, 3, 5, 0, -2};
    List<JsonObject> specs = new ArrayList<>();
    for (int i = 0; i < priorities.length; i++) {
      specs.add(JobsFixture.record("prio", "p" + priorities[i] + "#" + i).put("queue", "prio")
          .put("priority", priorities[i]));
    }
    List<String> ids = submitAll(specs);

    jobs.handlers().open("prio-order");
    awaitAll(ids);

    assertThat(jobs.handlers().order("prio")).containsExactly("p5#1", "p5#3", "p3#2", "p1#0", "p0#4", "p-2#5");
  }

  @Test
  void aJobThatJumpsAheadOnAPriorityQueueIsToldTheShorterWait() {
    jobs.blockQueue("prio", "prio-eta");
    List<JobReceipt> low = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      low.add(jobs.submit(JobsFixture.record("prio-eta", "low" + i).put("queue", "prio").put("priority", 0)
          .put("costMs", 100)));
    }
    JobReceipt high = jobs.submit(JobsFixture.record("prio-eta", "high").put("queue", "prio").put("priority", 9)
        .put("costMs", 100));

    assertThat(low).extracting(JobReceipt::position).containsExactly(0, 1, 2, 3);
    assertThat(high.position()).isZero();
    assertThat(high.etaMs()).isLessThan(low.get(3).etaMs()).isEqualTo(low.get(0).etaMs());
    jobs.handlers().open("prio-eta");
    awaitAll(List.of(high.id()));
    low.forEach(r -> jobs.awaitFinal(r.id()));
  }

  @Test
  void agingLetsALowPriorityJobRunOnceItHasWaitedTheBound() {
    jobs.blockQueue("prio", "prio-aging");
    String low = jobs.submit(JobsFixture.record("aging", "low").put("queue", "prio").put("priority", -100)).id();
    long submitted = System.currentTimeMillis();
    Poll.until("the low job to wait past the 300 ms bound", Duration.ofSeconds(5),
        () -> System.currentTimeMillis() - submitted > 350);
    List<String> high = submitAll(List.of(
        JobsFixture.record("aging", "high-1").put("queue", "prio").put("priority", 100),
        JobsFixture.record("aging", "high-2").put("queue", "prio").put("priority", 100)));

    jobs.handlers().open("prio-aging");
    awaitAll(high);
    jobs.awaitFinal(low);

    assertThat(jobs.handlers().order("aging")).containsExactly("low", "high-1", "high-2");
  }

  @Test
  void sjfRunsTheShortestEstimateFirst() {
    jobs.blockQueue("sjf", "sjf-order");
    List<String> ids = submitAll(List.of(
        JobsFixture.record("sjf", "50ms").put("queue", "sjf").put("costMs", 50),
        JobsFixture.record("sjf", "10ms").put("queue", "sjf").put("costMs", 10),
        JobsFixture.record("sjf", "30ms").put("queue", "sjf").put("costMs", 30),
        JobsFixture.record("sjf", "10ms-later").put("queue", "sjf").put("costMs", 10)));

    jobs.handlers().open("sjf-order");
    awaitAll(ids);

    assertThat(jobs.handlers().order("sjf")).containsExactly("10ms", "10ms-later", "30ms", "50ms");
  }

  @Test
  void sjfLearnsTheServiceTimeOfTypesWithoutAnEstimate() {
    for (int i = 0; i < 3; i++) {
      jobs.awaitFinal(jobs.submit(new JsonObject().put("type", "sleep").put("queue", "sjf")
          .put("payload", new JsonObject().put("ms", 60))).id());
      jobs.awaitFinal(jobs.submit(new JsonObject().put("type", "echo").put("queue", "sjf").put("payload", "x")).id());
    }
    jobs.blockQueue("sjf", "sjf-learned");
    String slow = jobs.submit(new JsonObject().put("type", "sleep").put("queue", "sjf")
        .put("payload", new JsonObject().put("ms", 60))).id();
    String fast = jobs.submit(new JsonObject().put("type", "echo").put("queue", "sjf").put("payload", "y")).id();

    jobs.handlers().open("sjf-learned");
    Job slowJob = jobs.awaitFinal(slow);
    Job fastJob = jobs.awaitFinal(fast);

    assertThat(fastJob.startedAt()).isLessThanOrEqualTo(slowJob.startedAt());
    assertThat(fastJob.finishedAt()).isLessThanOrEqualTo(slowJob.startedAt());
  }

  @Test
  void queuesSharingAPoolTakeTurns() {
    jobs.blockQueue("fair-a", "fair");
    List<String> ids = submitAll(List.of(
        JobsFixture.record("fair", "a1").put("queue", "fair-a"), JobsFixture.record("fair", "a2").put("queue", "fair-a"),
        JobsFixture.record("fair", "a3").put("queue", "fair-a"), JobsFixture.record("fair", "b1").put("queue", "fair-b"),
        JobsFixture.record("fair", "b2").put("queue", "fair-b")));

    jobs.handlers().open("fair");
    awaitAll(ids);

    assertThat(jobs.handlers().order("fair")).containsExactly("b1", "a1", "b2", "a2", "a3");
  }

  @Test
  void rateLimitSpacesOutStartsAfterTheBurst() {
    List<JsonObject> specs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      specs.add(JobsFixture.record("rate", i).put("queue", "slow"));
    }
    List<String> ids = submitAll(specs);
    awaitAll(ids);

    long first = ids.stream().mapToLong(id -> jobs.awaitFinal(id).startedAt()).min().orElseThrow();
    long last = ids.stream().mapToLong(id -> jobs.awaitFinal(id).startedAt()).max().orElseThrow();
    assertThat(last - first).as("5 jobs/s: a burst of 5, then 5 more over about a second").isGreaterThanOrEqualTo(800);
  }
}
