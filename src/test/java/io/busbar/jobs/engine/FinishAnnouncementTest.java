package io.busbar.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.config.BusbarConfig;
import io.busbar.config.JobsConfig;
import io.busbar.jobs.Job;
import io.busbar.jobs.JobHandlers;
import io.busbar.jobs.JobSpec;
import io.busbar.jobs.JobState;
import io.busbar.metrics.JobMeters;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.ForwardingJobStore;
import io.busbar.testsupport.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job's completion is announced (its event, its webhook, its long polls, what a read shows) only once its final
 * state is in the store. Announced earlier, a node that died in between would run the job again on recovery, or a
 * successor scheduler would, and the client would see two completions with two results.
 */
class FinishAnnouncementTest {

  /** The memory store, except that writing a final job waits until the test opens the gate. */
  private static final class GatedStore extends ForwardingJobStore {
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger heldWrites = new AtomicInteger();

    GatedStore() {
      super("gated");
    }

    @Override
    public void write(String collection, List<JsonObject> upserts, List<String> deletes) {
      boolean finalJob = upserts.stream().anyMatch(r -> JobState.SUCCEEDED.wire().equals(r.getString("state")));
      if (finalJob && gate.getCount() > 0) {
        heldWrites.incrementAndGet();
        try {
          if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never opened the gate");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      super.write(collection, upserts, deletes);
    }

    @Override
    public void close() {
      gate.countDown();
      super.close();
    }
  }

  private final GatedStore store = new GatedStore();
  private final CountDownLatch submitted = new CountDownLatch(1);
  private final List<String> webhooks = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Context context;
  private JobsConfig config;
  private JobEngine engine;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    config = BusbarConfig.from(new JsonObject().put("jobs", new JsonObject().put("store", "memory")
        .put("pools", new JsonObject().put("main", new JsonObject().put("kind", "fixed").put("size", 1)))
        .put("queues", new JsonObject().put("default", new JsonObject().put("policy", "fcfs").put("pool", "main")))))
        .jobs();
    // The handler waits until the submission is answered: a job that ended at once could have its final write
    // committed in one batch with its submission's, which the gate would then hold too.
    JobHandlers.of(vertx).register("echo", job -> {
      if (!submitted.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never answered the submission");
      }
      return job.payload();
    });
    JobEvents jobEvents = new JobEvents(vertx.eventBus(), JobMeters.get(), job -> webhooks.add(job.id()));
    engine = Await.on(context,
        () -> JobEngine.local(vertx, context, config, store, JobHandlers.of(vertx), jobEvents, null));
    Await.result(Await.on(context, engine::start));
  }

  @AfterEach
  void stop() {
    submitted.countDown();
    store.gate.countDown();
    Await.result(vertx.close());
  }

  @Test
  void aFinishedJobIsAnnouncedOnlyOnceItsFinalStateIsStored() throws Exception {
    JsonObject receipt = Await.result(Await.on(context, () -> engine.submit(JobSpec.fromJson(
        new JsonObject().put("type", "echo").put("payload", "hello").put("webhook", "http://127.0.0.1:9/hook"),
        config))));
    String id = receipt.getString("id");
    submitted.countDown();
    vertx.eventBus().<JsonObject>consumer(receipt.getString("eventsAddress"),
        m -> events.add(m.body().getString("event")));
    Future<Job> longPoll = Await.on(context, () -> engine.get(id, 30_000));

    Poll.until("the final write to reach the store", Duration.ofSeconds(10), () -> store.heldWrites.get() == 1);
    Job seen = Await.result(Await.on(context, () -> engine.get(id, 0)));
    assertThat(seen.state()).as("what a read shows while the final state is unstored").isEqualTo(JobState.RUNNING);
    JsonObject listed = Await.on(context, () -> engine.list(null, null, 10, 0));
    assertThat(listed.getJsonArray("jobs").getJsonObject(0).getString("state")).as("the list")
        .isEqualTo(JobState.RUNNING.wire());
    assertThat(longPoll.isComplete()).as("the long poll").isFalse();
    assertThat(webhooks).as("webhooks").isEmpty();
    assertThat(events).as("events").doesNotContain(JobState.SUCCEEDED.wire());

    store.gate.countDown();

    assertThat(Await.result(longPoll).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(Await.result(longPoll).result()).isEqualTo("hello");
    Poll.until("the webhook and the event", Duration.ofSeconds(10),
        () -> webhooks.size() == 1 && events.contains(JobState.SUCCEEDED.wire()));
    assertThat(webhooks).containsExactly(id);
    assertThat(Await.result(Await.on(context, () -> engine.get(id, 0))).state()).isEqualTo(JobState.SUCCEEDED);
  }
}
