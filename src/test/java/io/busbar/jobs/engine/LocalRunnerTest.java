package io.busbar.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.config.BusbarConfig;
import io.busbar.jobs.JobHandlers;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner of attempts on this node's pools, with a real pool of one thread. */
class LocalRunnerTest {

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger handled = new AtomicInteger();
  private final Map<String, Outcome> ends = new ConcurrentHashMap<>();
  private Vertx vertx;
  private Context context;
  private LocalRunner runner;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    JobHandlers handlers = JobHandlers.of(vertx);
    handlers.register("wait", job -> {
      handled.incrementAndGet();
      return release.await(30, TimeUnit.SECONDS);
    });
    AttemptListener listener = new AttemptListener() {
      @Override
      public void progress(String id, long lease, double fraction, String message) {
      }

      @Override
      public Future<Void> ended(String id, long lease, Outcome outcome) {
        ends.put(id, outcome);
        return Future.succeededFuture();
      }

      @Override
      public void lost(String id, long lease) {
      }
    };
    var pools = BusbarConfig.from(new JsonObject().put("jobs", new JsonObject()
        .put("pools", new JsonObject().put("one", new JsonObject().put("kind", "fixed").put("size", 1)))))
        .jobs().pools();
    runner = Await.on(context, () -> new LocalRunner(vertx, context, pools, handlers, 0, listener));
  }

  @AfterEach
  void stop() {
    release.countDown();
    Await.result(vertx.close());
  }

  @Test
  void anAttemptCancelledBeforeItsThreadTookItEndsInterruptedAndGivesItsSlotBack() {
    Await.on(context, () -> {
      runner.run(order("first"));
      runner.run(order("second"));   // waits in the executor's queue behind the first
      runner.cancel("second", 1);
      return null;
    });
    Poll.until("the first attempt to start", Duration.ofSeconds(10), () -> handled.get() == 1);

    release.countDown();

    Poll.until("both ends", Duration.ofSeconds(10), () -> ends.size() == 2);
    assertThat(ends.get("first").isSuccess()).isTrue();
    assertThat(ends.get("second").errorKind()).isEqualTo(Outcome.INTERRUPTED);
    assertThat(handled.get()).as("the cancelled attempt's handler never ran").isEqualTo(1);
    Poll.until("the pool's slots given back", Duration.ofSeconds(10),
        () -> Await.on(context, () -> runner.pool("one").busy()) == 0);
  }

  private static AttemptOrder order(String id) {
    return new AttemptOrder(id, "wait", "one", null, 1, Long.MAX_VALUE, 1);
  }

}
