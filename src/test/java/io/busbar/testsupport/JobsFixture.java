package io.busbar.testsupport;

import io.busbar.jobs.Job;
import io.busbar.jobs.JobReceipt;
import io.busbar.jobs.JobState;
import io.busbar.jobs.JobsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** A node for job tests: test queues on single-thread pools, test handlers, and a typed client. */
public final class JobsFixture implements AutoCloseable {

  private final TestNode node;
  private final TestHandlers handlers;
  private final JobsClient client;

  private JobsFixture(TestNode node) {
    this.node = node;
    this.handlers = TestHandlers.register(node.vertx());
    this.client = new JobsClient(node.vertx().eventBus());
  }

  /** Starts a node with the test queues and {@code overrides} merged over them. */
  public static JobsFixture start(JsonObject overrides) {
    JsonObject pools = new JsonObject().put("main", new JsonObject().put("kind", "fixed").put("size", 4));
    JsonObject queues = new JsonObject().put("default", new JsonObject().put("policy", "fcfs").put("pool", "main"));
    for (String[] q : new String[][] {{"fifo", "fcfs"}, {"prio", "priority"}, {"sjf", "sjf"}, {"small", "fcfs"}}) {
      pools.put("one-" + q[0], new JsonObject().put("kind", "fixed").put("size", 1));
      queues.put(q[0], new JsonObject().put("policy", q[1]).put("pool", "one-" + q[0]));
    }
    queues.getJsonObject("small").put("maxQueued", 2);
    queues.getJsonObject("prio").put("maxWaitMs", 300).put("agingIntervalMs", 1_000_000);
    pools.put("stretch", new JsonObject().put("kind", "elastic").put("min", 1).put("max", 4).put("targetWaitMs", 5)
        .put("idleMs", 300));
    queues.put("elastic", new JsonObject().put("policy", "fcfs").put("pool", "stretch"));
    pools.put("shared", new JsonObject().put("kind", "fixed").put("size", 1));
    queues.put("fair-a", new JsonObject().put("policy", "fcfs").put("pool", "shared"));
    queues.put("fair-b", new JsonObject().put("policy", "fcfs").put("pool", "shared"));
    queues.put("slow", new JsonObject().put("policy", "fcfs").put("pool", "main").put("ratePerSecond", 5));
    JsonObject config = new JsonObject().put("jobs", new JsonObject().put("progressIntervalMs", 20)
        .put("queues", queues).put("pools", pools));
    return new JobsFixture(TestNode.start(config.mergeIn(overrides, true)));
  }

  public TestNode node() {
    return node;
  }

  public TestHandlers handlers() {
    return handlers;
  }

  public JobsClient client() {
    return client;
  }

  public JobReceipt submit(JsonObject spec) {
    return Await.result(client.submit(spec));
  }

  /** Submits a gate job on {@code queue} and waits until it occupies the worker. */
  public void blockQueue(String queue, String gate) {
    submit(new JsonObject().put("type", "gate").put("queue", queue).put("payload", new JsonObject().put("gate", gate)));
    Poll.until("gate " + gate + " to start", Duration.ofSeconds(10), () -> handlers.entered(gate) == 1);
  }

  /** The job once it is final (fails the test after 20 s). */
  public Job awaitFinal(String id) {
    Job job = Await.result(client.get(id, 20_000));
    if (!job.state().isFinal()) {
      throw new AssertionError("job " + id + " is still " + job.state());
    }
    return job;
  }

  public Job awaitState(String id, JobState state) {
    Poll.until("job " + id + " to be " + state, Duration.ofSeconds(20),
        () -> Await.result(client.get(id)).state() == state);
    return Await.result(client.get(id));
  }

  public static JsonObject record(String key, Object value) {
    return new JsonObject().put("type", "record").put("payload", new JsonObject().put("key", key).put("v", value));
  }

  @Override
  public void close() {
    node.close();
  }
}
