package io.busbar.jobs.cluster;

import io.busbar.bus.Addresses;
import io.busbar.config.JobsConfig;
import io.busbar.jobs.JobHandlers;
import io.busbar.jobs.engine.AttemptListener;
import io.busbar.jobs.engine.AttemptOrder;
import io.busbar.jobs.engine.LocalRunner;
import io.busbar.jobs.engine.Outcome;
import io.busbar.metrics.JobMeters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of a clustered node: runs the attempts the cluster's scheduler sends it on this node's pools,
 * reports progress, and reports each end until the scheduler acknowledges it (so an end survives a change of
 * scheduler). Every {@code heartbeatMs} it tells the scheduler its capacity, its job types and the attempts it
 * runs; the reply names stale attempts to cancel and which pools have a backlog (elastic pools grow on it). On
 * stop it drains: it takes no new work, lets running attempts finish for up to {@code drainMs}, then interrupts
 * the rest and hands them back to the scheduler, which queues them again.
 */
public final class WorkerAgent implements AttemptListener {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);

  private final Vertx vertx;
  private final String nodeId;
  private final String nodeName;
  private final JobsConfig config;
  private final LocalRunner runner;
  private final Map<String, JsonObject> unacknowledged = new LinkedHashMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;
  private boolean draining;
  /** The scheduler epoch of the last run order, and that order's number. */
  private long epoch = -1;
  private long seq;
  private boolean closed;

  public WorkerAgent(Vertx vertx, Context context, String nodeId, String nodeName, JobsConfig config,
      JobHandlers handlers, JobMeters meters) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.nodeName = nodeName;
    this.config = config;
    this.runner = new LocalRunner(vertx, context, config.pools(), handlers, config.progressIntervalMs(), this);
    if (meters != null) {
      runner.registerMeters(meters);
    }
  }

  /** Registers this node's worker address and starts the heartbeats. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.Jobs.workerOf(nodeId), this::order);
    timer = vertx.setPeriodic(config.cluster().heartbeatMs(), t -> beat());
    return consumer.completion().onSuccess(v -> beat());
  }

  private void order(Message<JsonObject> message) {
    JsonObject body = message.body();
    if ("cancel".equals(body.getString("action"))) {
      runner.cancel(body.getString("id"), body.getLong("lease"));
      return;
    }
    if (draining) {
      message.fail(503, "node " + nodeId + " is draining");
      return;
    }
    long orderEpoch = body.getLong("epoch", -1L);
    if (orderEpoch != epoch) {
      epoch = orderEpoch;
      seq = 0;
    }
    seq = Math.max(seq, body.getLong("seq", 0L));
    runner.run(AttemptOrder.fromJson(body.getJsonObject("order")));
    message.reply(new JsonObject());
  }

  private void beat() {
    if (closed) {
      return;
    }
    JsonObject pools = new JsonObject();
    JsonObject threads = new JsonObject();
    runner.pools().forEach((name, pool) -> {
      pools.put(name, pool.limit());
      threads.put(name, pool.threads());
    });
    // Attempts whose end is still being reported count as running: they are not lost.
    JsonObject running = new JsonObject();
    unacknowledged.values().forEach(end -> running.put(end.getString("id"), end.getLong("lease")));
    runner.running().forEach(running::put);
    JsonObject beat = new JsonObject().put("node", nodeId).put("name", nodeName).put("pools", pools).put("threads", threads)
        .put("types", new JsonArray(runner.types())).put("running", running).put("draining", draining)
        .put("epoch", epoch).put("seq", seq);
    vertx.eventBus().<JsonObject>request(Addresses.Jobs.SCHEDULER_HEARTBEAT, beat,
        new DeliveryOptions().setSendTimeout(config.cluster().leaseMs())).onSuccess(reply -> {
          JsonObject answer = reply.body();
          answer.getJsonObject("cancel", new JsonObject())
              .forEach(e -> runner.cancel(e.getKey(), ((Number) e.getValue()).longValue()));
          answer.getJsonObject("waits", new JsonObject())
              .forEach(e -> runner.observeWait(e.getKey(), ((Number) e.getValue()).longValue()));
          Map<String, Boolean> backlog = new LinkedHashMap<>();
          answer.getJsonObject("backlog", new JsonObject()).forEach(e -> backlog.put(e.getKey(),
              Boolean.TRUE.equals(e.getValue())));
          runner.adjust(System.currentTimeMillis(), backlog);
        });
    // Ends the scheduler has not acknowledged yet (it may have changed): report them again.
    unacknowledged.values().forEach(this::report);
  }

  // ---------------------------------------------------------------------------------------------- AttemptListener

  @Override
  public void progress(String id, long lease, double fraction, String message) {
    vertx.eventBus().send(Addresses.Jobs.SCHEDULER_PROGRESS, new JsonObject().put("id", id).put("lease", lease)
        .put("progress", fraction).put("message", message));
  }

  @Override
  public Future<Void> ended(String id, long lease, Outcome outcome) {
    if (closed && Outcome.INTERRUPTED.equals(outcome.errorKind())) {
      return Future.succeededFuture();   // interrupted by the drain: handed back, not failed
    }
    JsonObject end = new JsonObject().put("node", nodeId).put("id", id).put("lease", lease)
        .put("outcome", outcome.toJson());
    unacknowledged.put(id + "/" + lease, end);
    report(end);
    return Future.succeededFuture();
  }

  private void report(JsonObject end) {
    vertx.eventBus().request(Addresses.Jobs.SCHEDULER_ENDED, end,
        new DeliveryOptions().setSendTimeout(config.cluster().leaseMs()))
        .onSuccess(ack -> unacknowledged.remove(end.getString("id") + "/" + end.getLong("lease")));
  }

  @Override
  public void lost(String id, long lease) {
    // Only a scheduler adopts attempts; a worker never loses one of its own.
  }

  // ---------------------------------------------------------------------------------------------- stop

  /**
   * Drains: no new work; running attempts get {@code drainMs} to finish and their ends to be acknowledged; the
   * rest are interrupted and handed back.
   */
  public Future<Void> drain() {
    LOG.info("draining: no new jobs for this node; {} running, finishing for up to {} ms", runner.runningCount(),
        config.cluster().drainMs());
    draining = true;
    beat();
    Promise<Void> drained = Promise.promise();
    long deadline = System.currentTimeMillis() + config.cluster().drainMs();
    waitDrained(deadline, drained);
    return drained.future().compose(v -> handBack());
  }

  private void waitDrained(long deadline, Promise<Void> drained) {
    if ((runner.runningCount() == 0 && unacknowledged.isEmpty()) || System.currentTimeMillis() >= deadline) {
      drained.complete();
    } else {
      vertx.setTimer(Math.max(1, Math.min(50, deadline - System.currentTimeMillis())),
          t -> waitDrained(deadline, drained));
    }
  }

  private Future<Void> handBack() {
    closed = true;
    vertx.cancelTimer(timer);
    Map<String, Long> left = runner.running();
    if (!left.isEmpty()) {
      LOG.info("drain timeout: handing {} running job(s) back to the scheduler", left.size());
    }
    JsonObject attempts = new JsonObject();
    left.forEach(attempts::put);
    Future<Void> told = left.isEmpty() ? Future.succeededFuture()
        : vertx.eventBus().request(Addresses.Jobs.SCHEDULER_HANDBACK, new JsonObject().put("node", nodeId)
            .put("attempts", attempts), new DeliveryOptions().setSendTimeout(config.cluster().leaseMs()))
            .<Void>mapEmpty().recover(e -> {
              LOG.warn("could not hand {} job(s) back ({}); the scheduler will find them lost", left.size(),
                  e.toString());
              return Future.succeededFuture();
            });
    return told.compose(v -> consumer.unregister()).eventually(() -> vertx.executeBlocking(() -> {
      runner.close();
      return null;
    }));
  }
}
