package io.busbar.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.JobsFixture;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A job's life: timeouts, retries, dead letters, cancellation, TTL, idempotency and admission. */
class JobLifecycleTest {

  private static JobsFixture jobs;

  @BeforeAll
  static void start() {
    jobs = JobsFixture.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    jobs.close();
  }

  private static JsonObject spec(String type, Object payload) {
    return new JsonObject().put("type", type).put("payload", payload);
  }

  @Test
  void succeededJobKeepsItsResult() {
    Job job = jobs.awaitFinal(jobs.submit(spec("echo", new JsonObject().put("a", 1))).id());

    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.result()).isEqualTo(new JsonObject().put("a", 1));
    assertThat(job.attempts()).isEqualTo(1);
    assertThat(job.finishedAt()).isGreaterThanOrEqualTo(job.startedAt());
  }

  @Test
  void timeoutInterruptsTheThreadAndDeadLettersTheLastAttempt() {
    long start = System.currentTimeMillis();
    Job job = jobs.awaitFinal(jobs.submit(spec("block", new JsonObject().put("key", "timeout")).put("timeoutMs", 150))
        .id());

    assertThat(job.state()).isEqualTo(JobState.DEAD_LETTERED);
    assertThat(job.error().getString("kind")).isEqualTo("timed_out");
    assertThat(System.currentTimeMillis() - start).isLessThan(10_000);
    Poll.until("the handler's thread to see the interrupt", Duration.ofSeconds(10),
        () -> jobs.handlers().interrupted("timeout") == 1);
  }

  @Test
  void failedAttemptsAreRetriedWithBackoffUntilOneSucceeds() {
    Job job = jobs.awaitFinal(jobs.submit(spec("fail", new JsonObject().put("failTimes", 2)).put("maxAttempts", 3)
        .put("backoffMs", 20)).id());

    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.attempts()).isEqualTo(3);
    assertThat(job.result()).isEqualTo("succeeded on attempt 3");
    assertThat(job.runAt()).as("the retry waited its backoff").isGreaterThan(job.createdAt());
  }

  @Test
  void jobThatFailsEveryAttemptIsDeadLetteredAndCanBeRetriedByHand() {
    String id = jobs.submit(spec("fail", null).put("maxAttempts", 2).put("backoffMs", 1)).id();
    Job dead = jobs.awaitFinal(id);
    assertThat(dead.state()).isEqualTo(JobState.DEAD_LETTERED);
    assertThat(dead.attempts()).isEqualTo(2);
    assertThat(dead.error()).isEqualTo(new JsonObject().put("kind", "failed").put("message", "failed on purpose"));
    JsonObject deadLetters = Await.result(jobs.client().list(null, "dead_lettered", 1000, 0));
    assertThat(deadLetters.getJsonArray("jobs").stream().map(j -> ((JsonObject) j).getString("id"))).contains(id);

    Job again = Await.result(jobs.client().retry(id));
    assertThat(again.state()).isIn(JobState.QUEUED, JobState.RUNNING);
    Job deadAgain = jobs.awaitFinal(id);
    assertThat(deadAgain.state()).isEqualTo(JobState.DEAD_LETTERED);
    assertThat(deadAgain.lease()).isEqualTo(4);
  }

  @Test
  void retryOfAJobThatIsNotDeadLetteredIsAConflict() {
    String id = jobs.submit(spec("echo", 1)).id();
    jobs.awaitFinal(id);

    assertThatThrownBy(() -> Await.result(jobs.client().retry(id))).isInstanceOf(ReplyException.class)
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(409));
  }

  @Test
  void cancellingAQueuedJobRemovesItBeforeItRuns() {
    jobs.blockQueue("fifo", "cancel-queued");
    String id = jobs.submit(JobsFixture.record("cancel-queued", "should not run").put("queue", "fifo")).id();

    Job cancelled = Await.result(jobs.client().cancel(id));
    jobs.handlers().open("cancel-queued");
    jobs.awaitFinal(jobs.submit(JobsFixture.record("cancel-queued", "after").put("queue", "fifo")).id());

    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(jobs.handlers().order("cancel-queued")).containsExactly("after");
    assertThatThrownBy(() -> Await.result(jobs.client().cancel(id))).hasMessageContaining("already cancelled");
  }

  @Test
  void cancellingARunningJobInterruptsIt() {
    String id = jobs.submit(spec("block", new JsonObject().put("key", "cancel-running"))).id();
    jobs.awaitState(id, JobState.RUNNING);
    // RUNNING is the engine's word; the handler itself starts once a pool thread takes the attempt.
    Poll.until("the handler to start", Duration.ofSeconds(10), () -> jobs.handlers().entered("cancel-running") == 1);

    Job cancelled = Await.result(jobs.client().cancel(id));

    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    Poll.until("the interrupt", Duration.ofSeconds(10), () -> jobs.handlers().interrupted("cancel-running") == 1);
    assertThat(jobs.awaitFinal(id).state()).as("the late end of the thread changes nothing")
        .isEqualTo(JobState.CANCELLED);
  }

  @Test
  void sameIdempotencyKeyGivesTheSameJobOnce() {
    JsonObject spec = JobsFixture.record("idem", "once").put("idempotencyKey", "order-42");
    String first = jobs.submit(spec).id();
    jobs.awaitFinal(first);
    String second = jobs.submit(spec).id();

    assertThat(second).isEqualTo(first);
    assertThat(jobs.handlers().order("idem")).containsExactly("once");
  }

  @Test
  void finishedJobIsRemovedAfterItsResultTtl() {
    String id = jobs.submit(spec("echo", 1).put("resultTtlMs", 1000)).id();
    jobs.awaitFinal(id);

    Poll.until("the job to expire", Duration.ofSeconds(10), () -> {
      try {
        Await.result(jobs.client().get(id));
        return false;
      } catch (ReplyException e) {
        return e.failureCode() == 404;
      }
    });
  }

  @Test
  void fullQueueRefusesWithRetryAfter() {
    jobs.blockQueue("small", "small-full");
    jobs.submit(JobsFixture.record("small", 1).put("queue", "small"));
    jobs.submit(JobsFixture.record("small", 2).put("queue", "small"));

    assertThatThrownBy(() -> jobs.submit(JobsFixture.record("small", 3).put("queue", "small")))
        .isInstanceOf(ReplyException.class)
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(429))
        .hasMessageContaining("queue \"small\" is full").hasMessageContaining("retry after");
    String keyed = jobs.submit(JobsFixture.record("small", "keyed").put("queue", "default")
        .put("idempotencyKey", "small-full-key")).id();
    assertThat(jobs.submit(JobsFixture.record("small", "keyed").put("queue", "small")
        .put("idempotencyKey", "small-full-key")).id()).as("a known key is answered even when the queue is full")
        .isEqualTo(keyed);
    jobs.handlers().open("small-full");
  }

  @Test
  void badRequestsNameTheFieldAndStoreNothing() {
    long before = Await.result(jobs.client().list(null, null, 1, 0)).getLong("total");
    String[][] cases = {
        {"{\"payload\":1}", "type: required"},
        {"{\"type\":\"nope\"}", "type: no handler for job type \"nope\""},
        {"{\"type\":\"echo\",\"queue\":\"nope\"}", "queue: no queue \"nope\""},
        {"{\"type\":\"echo\",\"priority\":100000}", "priority: must be a whole number from -1000 to 1000"},
        {"{\"type\":\"echo\",\"timeoutMs\":-5}", "timeoutMs: must be a whole number"},
        {"{\"type\":\"echo\",\"costMs\":-1}", "costMs: must be a number"},
        {"{\"type\":\"echo\",\"maxAttempts\":0}", "maxAttempts: must be a whole number"},
        {"{\"type\":\"echo\",\"webhook\":\"ftp://example.com\"}", "webhook: must be an http or https URL"},
        {"{\"type\":\"echo\",\"notify\":\"demo.echo\"}", "notify: must be an address jobs.inbox."},
        {"{\"type\":\"echo\",\"priorty\":1}", "priorty: unknown field"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> jobs.submit(new JsonObject(c[0]))).as(c[0]).isInstanceOf(ReplyException.class)
          .hasMessageStartingWith(c[1]).satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(400));
    }
    assertThatThrownBy(() -> Await.result(jobs.client().batch(new JsonArray().add(spec("echo", 1))
        .add(new JsonObject().put("type", "echo").put("priority", "high")))))
        .hasMessageStartingWith("jobs[1].priority:");
    assertThatThrownBy(() -> Await.result(jobs.client().get("no-such-job"))).hasMessageContaining("no job no-such-job");

    assertThat(Await.result(jobs.client().list(null, null, 1, 0)).getLong("total")).isEqualTo(before);
  }

  @Test
  void elasticPoolGrowsUnderABacklogAndShrinksWhenIdle() {
    for (int i = 0; i < 12; i++) {
      jobs.submit(spec("sleep", new JsonObject().put("ms", 150)).put("queue", "elastic"));
    }
    Poll.until("the elastic pool to grow", Duration.ofSeconds(10),
        () -> Metrics.value(jobs.node(), "busbar_pool_limit{pool=\"stretch\"}") > 1);
    Poll.until("the elastic pool to shrink back", Duration.ofSeconds(20),
        () -> Metrics.value(jobs.node(), "busbar_pool_limit{pool=\"stretch\"}") == 1);
  }

  @Test
  void queueMetersAreExported() {
    jobs.awaitFinal(jobs.submit(spec("echo", 1)).id());

    String scrape = Await.result(jobs.node().http().get("/metrics").send()).bodyAsString();
    assertThat(scrape).contains("busbar_queue_length{queue=\"default\"}", "busbar_queue_arrival_rate{queue=\"default\"}",
        "busbar_queue_utilisation{queue=\"default\"}", "busbar_queue_wait_seconds_bucket{queue=\"default\"",
        "busbar_job_service_seconds_count{queue=\"default\",type=\"echo\"}",
        "busbar_jobs_finished_total{queue=\"default\",state=\"succeeded\",type=\"echo\"}",
        "busbar_queue_eta_error_seconds", "busbar_pool_limit{pool=\"main\"} 4.0");
  }
}
