package io.busbar.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.jobs.Job;
import io.busbar.jobs.JobHandlers;
import io.busbar.jobs.JobReceipt;
import io.busbar.jobs.JobState;
import io.busbar.jobs.JobsClient;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestCluster;
import io.busbar.testsupport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs across real Hazelcast members in one JVM: one scheduler for the cluster, workers on other nodes, events
 * wherever the client is, FCFS across the cluster, and no job lost or completed twice when the scheduler or a
 * worker leaves.
 */
class ClusterJobsTest {

  private final TestCluster cluster = TestCluster.create("jobs");
  /** Attempts started per job id, over every node of the JVM. */
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  /** Releases the {@code hold} jobs. */
  private final CountDownLatch release = new CountDownLatch(1);
  /** The {@code where} jobs in the order their handlers started. */
  private final List<String> started = Collections.synchronizedList(new ArrayList<>());
  /** Lets the {@code where} jobs run (open unless a test closes it). */
  private volatile CountDownLatch go = new CountDownLatch(0);

  @AfterEach
  void close() {
    release.countDown();
    go.countDown();
    cluster.close();
  }

  private static JsonObject config(String name, String... roles) {
    JsonObject pools = new JsonObject().put("one", new JsonObject().put("kind", "fixed").put("size", 1))
        .put("main", new JsonObject().put("kind", "fixed").put("size", 4));
    JsonObject queues = new JsonObject()
        .put("default", new JsonObject().put("policy", "fcfs").put("pool", "main"))
        .put("fifo", new JsonObject().put("policy", "fcfs").put("pool", "one"));
    JsonObject bridge = new JsonObject()
        .put("inbound", new JsonArray().add(new JsonObject().put("addressRegex", "jobs\\..+"))
            .add(new JsonObject().put("address", "demo.echo")))
        .put("outbound", new JsonArray().add(new JsonObject().put("addressRegex", "jobs\\.events\\..+")));
    return new JsonObject().put("bridge", bridge)
        .put("node", new JsonObject().put("name", name).put("roles", new JsonArray(List.of(roles))))
        .put("jobs", new JsonObject().put("progressIntervalMs", 0).put("queues", queues).put("pools", pools)
            .put("cluster", new JsonObject().put("heartbeatMs", 100).put("leaseMs", 1_500).put("drainMs", 300)));
  }

  /** Starts a node with the test handlers {@code where} (answers the node's name) and {@code hold}. */
  private TestNode node(String name, String... roles) {
    return cluster.join(config(name, roles), vertx -> {
      JobHandlers handlers = JobHandlers.of(vertx);
      handlers.register("where", ctx -> {
        go.await(30, TimeUnit.SECONDS);
        started.add(ctx.id());
        runs.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(50);
        return name;
      });
      handlers.register("hold", ctx -> {
        runs.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
        release.await(30, TimeUnit.SECONDS);
        return name;
      });
    });
  }

  private static JobsClient client(TestNode node) {
    return new JobsClient(node.vertx().eventBus(), 10_000);
  }

  private static JobReceipt submit(TestNode node, String type, String queue) {
    return Await.result(client(node).submit(new JsonObject().put("type", type).put("queue", queue)));
  }

  /** The job once final, asked through {@code node}; asks again when the scheduler moves meanwhile. */
  private static Job awaitFinal(TestNode node, String id) {
    Job[] last = new Job[1];
    Poll.until("job " + id + " to be final", Duration.ofSeconds(30), () -> {
      try {
        last[0] = Await.result(client(node).get(id, 1_000));
        return last[0].state().isFinal();
      } catch (RuntimeException e) {
        return false;   // the scheduler is changing
      }
    });
    return last[0];
  }

  @Test
  void aJobAcceptedOnOneNodeRunsOnAWorkerNodeAndItsResultIsPushedToASocketOnTheFirst() {
    TestNode scheduler = node("s", "gateway", "scheduler");
    TestNode worker = node("w", "gateway", "worker");
    awaitWorkers(scheduler, 1);
    try (BridgeClient socket = scheduler.bridge()) {
      JsonObject reply = socket.request("jobs.submit", new JsonObject().put("type", "where"), "r1");
      String events = reply.getJsonObject("body").getString("eventsAddress");
      socket.register(events);
      JsonObject event;
      do {
        event = socket.next();
      } while (!"succeeded".equals(event.getJsonObject("body").getString("event")));
      assertThat(event.getJsonObject("body").getJsonObject("job").getValue("result")).isEqualTo("w");
    }
    assertThat(worker.vertx().isClustered()).isTrue();
  }

  @Test
  void jobsAcceptedThroughDifferentNodesStartInTheOrderTheyWereAccepted() {
    // One worker slot in the cluster, so that the order in which handlers start is the order of dispatch.
    TestNode a = node("a", "scheduler", "worker");
    TestNode b = node("b", "gateway");
    TestNode c = node("c", "gateway");
    awaitWorkers(a, 1);
    String hold = submit(a, "hold", "fifo").id();
    Poll.until("the hold to run", Duration.ofSeconds(10), () -> runs.containsKey(hold));
    List<String> accepted = new ArrayList<>();
    List<TestNode> through = List.of(a, b, c);
    for (int i = 0; i < 15; i++) {
      accepted.add(submit(through.get(i % 3), "where", "fifo").id());
    }
    release.countDown();
    accepted.forEach(id -> assertThat(awaitFinal(b, id).state()).isEqualTo(JobState.SUCCEEDED));
    assertThat(started).containsExactlyElementsOf(accepted);
  }

  @Test
  void whenTheSchedulerLeavesAnotherTakesOverAndEveryJobCompletesExactlyOnce() {
    TestNode first = node("s1", "scheduler");
    TestNode second = node("s2", "scheduler");
    TestNode w1 = node("w1", "worker");
    TestNode w2 = node("w2", "worker");
    awaitWorkers(first, 2);
    Map<String, AtomicInteger> succeeded = new ConcurrentHashMap<>();
    List<String> ids = new ArrayList<>();
    List<Future<Void>> registered = new ArrayList<>();
    go = new CountDownLatch(1);   // the jobs wait until every listener is in place, then run across the change
    for (int i = 0; i < 40; i++) {
      JobReceipt receipt = submit(w1, "where", "default");
      ids.add(receipt.id());
      registered.add(w2.vertx().eventBus().<JsonObject>consumer(receipt.eventsAddress(), m -> {
        if ("succeeded".equals(m.body().getString("event"))) {
          succeeded.computeIfAbsent(receipt.id(), k -> new AtomicInteger()).incrementAndGet();
        }
      }).completion());
    }
    Await.result(Future.all(registered));
    go.countDown();
    cluster.leave(first);
    for (String id : ids) {
      assertThat(awaitFinal(w2, id).state()).as("job %s", id).isEqualTo(JobState.SUCCEEDED);
    }
    Poll.until("a succeeded event per job", Duration.ofSeconds(10), () -> succeeded.size() == ids.size());
    assertThat(succeeded.values()).allMatch(n -> n.get() == 1);
    assertThat(second.vertx().isClustered()).isTrue();
  }

  @Test
  void aWorkerThatStopsHandsItsRunningJobsBackAndTheyRunOnAnotherNode() {
    TestNode scheduler = node("s", "scheduler");
    TestNode leaving = node("leaving", "worker");
    awaitWorkers(scheduler, 1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(submit(scheduler, "hold", "default").id());
    }
    Poll.until("the jobs to run on the first worker", Duration.ofSeconds(10),
        () -> ids.stream().allMatch(runs::containsKey));
    TestNode staying = node("staying", "worker");
    awaitWorkers(scheduler, 2);
    cluster.leave(leaving);   // drains for 300 ms, then hands the held jobs back
    release.countDown();
    for (String id : ids) {
      Job job = awaitFinal(staying, id);
      assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(job.result()).isEqualTo("staying");
      assertThat(job.attempts()).as("the handed-back attempt does not count").isEqualTo(1);
      assertThat(runs.get(id).get()).isEqualTo(2);
    }
  }

  /** Waits until the scheduler serves and {@code count} worker nodes have reported to it. */
  private static void awaitWorkers(TestNode any, int count) {
    Poll.until(count + " worker node(s) to report", Duration.ofSeconds(20), () -> {
      try {
        JsonObject queues = Await.result(client(any).queues());
        return queues.getJsonArray("workers", new JsonArray()).size() == count;
      } catch (RuntimeException e) {
        return false;   // no scheduler serving yet
      }
    });
  }
}
