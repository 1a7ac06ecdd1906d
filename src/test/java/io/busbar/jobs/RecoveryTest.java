package io.busbar.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.jobs.store.JobStore;
import io.busbar.jobs.store.JobStores;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.JobsFixture;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node finds in its durable store when it starts. */
class RecoveryTest {

  private static Job stored(String id, JobState state, int attempts, long runAt, String queue) {
    JsonObject json = new JsonObject().put("id", id).put("type", "echo").put("queue", queue).put("state", state.wire())
        .put("payload", id).put("maxAttempts", 3).put("attempts", attempts).put("createdAt", runAt - 10)
        .put("runAt", runAt).put("resultTtlMs", 60_000).put("eventsAddress", "jobs.events." + id);
    if (state.isFinal()) {
      // A finished job has its finish time; without one it would expire at the engine's first sweep (1 s).
      json.put("finishedAt", runAt);
    }
    return Job.fromJson(json);
  }

  @Test
  void waitingJobsRunAndFinishedOnesAreKeptAndUnknownQueuesAreLeftAlone(@TempDir Path data) {
    long now = System.currentTimeMillis();
    try (JobStore store = JobStores.open("mvstore", data, false)) {
      store.write("jobs", List.of(
          stored("queued", JobState.QUEUED, 0, now, "default").toJson(),
          stored("failed-due", JobState.FAILED, 1, now - 1000, "default").toJson(),
          stored("retry-later", JobState.TIMED_OUT, 1, now + 300, "default").toJson(),
          stored("done", JobState.SUCCEEDED, 1, now, "default").toJson(),
          stored("orphan", JobState.QUEUED, 0, now, "no-such-queue").toJson()), List.of());
    }

    try (JobsFixture jobs = JobsFixture.start(new JsonObject().put("jobs", new JsonObject().put("store", "mvstore")
        .put("dataDir", data.toString())))) {
      for (String id : List.of("queued", "failed-due", "retry-later")) {
        Job job = jobs.awaitFinal(id);
        assertThat(job.state()).as(id).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result()).isEqualTo(id);
      }
      assertThat(jobs.awaitFinal("failed-due").attempts()).isEqualTo(2);
      assertThat(Await.result(jobs.client().get("done")).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(jobs.node().vertx().sharedData().getLocalMap("busbar.jobs.handlers").keySet()).contains("echo");
      // The jobs' ends went to the journal; the checkpointer commits them to MVStore within its interval.
      Poll.until("a checkpoint on /metrics", Duration.ofSeconds(10),
          () -> Metrics.value(jobs.node(), "busbar_jobs_store_checkpoint_seconds_count") >= 1);
      Poll.until("nothing left to checkpoint", Duration.ofSeconds(10),
          () -> Metrics.value(jobs.node(), "busbar_jobs_store_pending_records") == 0);
      assertThat(Metrics.value(jobs.node(), "busbar_jobs_store_journal_bytes")).isPositive();
    }

    try (JobStore store = JobStores.open("mvstore", data, false)) {
      assertThat(store.loadAll("jobs")).extracting(j -> j.getString("id")).contains("orphan");
    }
  }

  @Test
  void aWebhookLeftPendingByAStoppedNodeIsSentAgainWithTheSameDeliveryIdThenForgotten(@TempDir Path data) {
    Vertx vertx = Vertx.vertx();
    List<String> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer receiver = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(b -> {
      deliveries.add(request.getHeader("Busbar-Event") + " " + request.getHeader("Busbar-Delivery") + " "
          + b.toJsonObject().getString("id"));
      request.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    try {
      long now = System.currentTimeMillis();
      Job done = Job.fromJson(stored("done", JobState.SUCCEEDED, 1, now, "default").toJson()
          .put("webhook", "http://127.0.0.1:" + receiver.actualPort() + "/hook"));
      try (JobStore store = JobStores.open("mvstore", data, false)) {
        store.write("jobs", List.of(done.toJson()), List.of());
        // What a node leaves behind when it stops after storing the job and before its webhook was answered.
        store.write("webhooks", List.of(new JsonObject().put("id", "done").put("job", done.toJson())), List.of());
      }

      try (JobsFixture jobs = JobsFixture.start(new JsonObject().put("jobs", new JsonObject().put("store", "mvstore")
          .put("dataDir", data.toString())))) {
        Poll.until("the pending webhook sent again", Duration.ofSeconds(10), () -> !deliveries.isEmpty());
        String webhook = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
        Job fresh = jobs.awaitFinal(jobs.submit(new JsonObject().put("type", "echo").put("payload", 1)
            .put("webhook", webhook)).id());
        Poll.until("the new job's webhook", Duration.ofSeconds(10), () -> deliveries.size() == 2);
        assertThat(deliveries).containsExactly("job.succeeded done.succeeded done",
            "job.succeeded " + fresh.id() + ".succeeded " + fresh.id());
      }

      try (JobStore store = JobStores.open("mvstore", data, false)) {
        assertThat(store.loadAll("webhooks")).as("settled webhooks are not kept").isEmpty();
      }
    } finally {
      Await.result(vertx.close());
    }
  }

  @Test
  void aPendingWebhookOfAnEndThatWasNeverStoredIsDroppedAndTheJobRunsAgainWithOneWebhookOfItsOwn(@TempDir Path data) {
    Vertx vertx = Vertx.vertx();
    List<JsonObject> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer receiver = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(b -> {
      deliveries.add(b.toJsonObject().put("delivery", request.getHeader("Busbar-Delivery")));
      request.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    try {
      long now = System.currentTimeMillis();
      String webhook = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
      Job queued = Job.fromJson(stored("again", JobState.QUEUED, 0, now, "default").toJson().put("webhook", webhook));
      Job neverStored = Job.fromJson(queued.toJson().put("state", JobState.SUCCEEDED.wire()).put("attempts", 1)
          .put("result", "from the attempt that died with its node").put("finishedAt", now - 5));
      try (JobStore store = JobStores.open("mvstore", data, false)) {
        // What a node leaves behind when it dies after writing a job's pending webhook and before the job's end.
        store.write("jobs", List.of(queued.toJson()), List.of());
        store.write("webhooks", List.of(new JsonObject().put("id", "again").put("job", neverStored.toJson())),
            List.of());
      }

      try (JobsFixture jobs = JobsFixture.start(new JsonObject().put("jobs", new JsonObject().put("store", "mvstore")
          .put("dataDir", data.toString())))) {
        Job done = jobs.awaitFinal("again");
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        Poll.until("the webhook of the run after the restart", Duration.ofSeconds(10), () -> !deliveries.isEmpty());
        // A second job's webhook, sent after, shows that nothing else was on its way.
        Job fresh = jobs.awaitFinal(jobs.submit(new JsonObject().put("type", "echo").put("payload", 1)
            .put("webhook", webhook)).id());
        Poll.until("the new job's webhook", Duration.ofSeconds(10), () -> deliveries.size() >= 2);
        assertThat(deliveries).extracting(d -> d.getString("id")).containsExactly("again", fresh.id());
        assertThat(deliveries.get(0).getLong("finishedAt")).isEqualTo(done.finishedAt());
        assertThat(deliveries.get(0).getString("result")).isEqualTo("again");
      }
    } finally {
      Await.result(vertx.close());
    }
  }
}
