package io.busbar.jobs.cluster;

import io.busbar.bus.Addresses;
import io.busbar.config.JobsConfig.ClusterJobsConfig;
import io.busbar.jobs.engine.AttemptListener;
import io.busbar.jobs.engine.AttemptOrder;
import io.busbar.jobs.engine.Outcome;
import io.busbar.jobs.engine.PoolView;
import io.busbar.jobs.engine.Workers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's workers as its scheduler sees them. Each worker node reports every heartbeat what it can run (its
 * pools' limits, its job types) and what it runs; the scheduler sends it run orders while it has free slots (the
 * node with the most free slots of the pool first) and counts them busy until their ends come back. Run orders are
 * numbered per node and per scheduler epoch, and a heartbeat names the last order its node received and lists the
 * attempts it runs or whose end it is still reporting; messages between two nodes keep their order, so an attempt
 * that a heartbeat should list and does not is gone. A node that is silent for {@code leaseMs}, leaves the
 * membership, or no longer lists an attempt it was given, has lost those attempts: the listener queues them again, with a new lease at their next start, so an end
 * that the old runner still reports is stale and ignored — a job cannot complete twice. Attempts a node runs that
 * the scheduler does not know (a stale lease) are cancelled in the heartbeat's reply. Runs on the scheduler's
 * context.
 */
public final class RemoteWorkers implements Workers {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteWorkers.class);

  private final Vertx vertx;
  private final ClusterJobsConfig config;
  private final long epoch;
  private final AttemptListener listener;
  private final Map<String, WorkerNode> nodes = new LinkedHashMap<>();
  private final Map<String, Pool> pools = new LinkedHashMap<>();
  private final Map<String, Adoption> adoptions = new HashMap<>();
  private final Set<String> typesSeen = new LinkedHashSet<>();
  private final Map<String, Boolean> backlog = new HashMap<>();
  private final Map<String, Long> waits = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final long timer;
  /** False until the engine has recovered the stored jobs: until then attempts cannot be matched to jobs. */
  private boolean open;

  private record Adoption(long lease, String pool, long sinceMs) {
  }

  /** What the scheduler knows of one worker node. */
  private static final class WorkerNode {
    final String id;
    final Map<String, Integer> limits = new HashMap<>();
    final Map<String, Integer> threads = new HashMap<>();
    final Map<String, Integer> busy = new HashMap<>();
    /** Attempts given to the node: id → lease. */
    final Map<String, Long> attempts = new HashMap<>();
    final Map<String, String> poolOf = new HashMap<>();
    /** The number of the run order of each attempt. */
    final Map<String, Long> orderOf = new HashMap<>();
    long orders;
    Set<String> types = Set.of();
    String name = "";
    long lastSeenMs;
    boolean draining;

    WorkerNode(String id) {
      this.id = id;
    }

    int free(String pool) {
      return limits.getOrDefault(pool, 0) - busy.getOrDefault(pool, 0);
    }
  }

  /** A pool summed over the live worker nodes. */
  private final class Pool implements PoolView {
    final String name;

    Pool(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int limit() {
      return nodes.values().stream().filter(n -> !n.draining).mapToInt(n -> n.limits.getOrDefault(name, 0)).sum();
    }

    @Override
    public int busy() {
      return nodes.values().stream().mapToInt(n -> n.busy.getOrDefault(name, 0)).sum();
    }

    @Override
    public int threads() {
      return nodes.values().stream().mapToInt(n -> n.threads.getOrDefault(name, 0)).sum();
    }
  }

  public RemoteWorkers(Vertx vertx, ClusterJobsConfig config, long epoch, Set<String> poolNames,
      AttemptListener listener) {
    this.vertx = vertx;
    this.config = config;
    this.epoch = epoch;
    this.listener = listener;
    poolNames.forEach(name -> pools.put(name, new Pool(name)));
    var bus = vertx.eventBus();
    consumers.add(bus.<JsonObject>consumer(Addresses.Jobs.SCHEDULER_HEARTBEAT, this::heartbeat));
    consumers.add(bus.<JsonObject>consumer(Addresses.Jobs.SCHEDULER_ENDED, this::ended));
    consumers.add(bus.<JsonObject>consumer(Addresses.Jobs.SCHEDULER_PROGRESS, this::progress));
    consumers.add(bus.<JsonObject>consumer(Addresses.Jobs.SCHEDULER_HANDBACK, this::handback));
    timer = vertx.setPeriodic(config.heartbeatMs(), t -> expire());
  }

  /** Completes when the scheduler's addresses are registered across the cluster. */
  public Future<Void> ready() {
    List<Future<Void>> registered = new ArrayList<>();
    consumers.forEach(c -> registered.add(c.completion()));
    return Future.all(registered).mapEmpty();
  }

  /** The engine has recovered its jobs: heartbeats may now be reconciled and ends accepted. */
  public void open() {
    open = true;
  }

  /** The node ids that report to this scheduler, for logs. */
  public Set<String> nodeIds() {
    return Set.copyOf(nodes.keySet());
  }

  @Override
  public JsonArray nodes() {
    JsonArray list = new JsonArray();
    nodes.values().forEach(n -> {
      JsonObject pools = new JsonObject();
      n.limits.forEach((pool, limit) -> pools.put(pool, new JsonObject().put("limit", limit)
          .put("busy", n.busy.getOrDefault(pool, 0))));
      list.add(new JsonObject().put("node", n.id).put("name", n.name).put("draining", n.draining).put("pools", pools)
          .put("running", n.attempts.size()).put("types", new JsonArray(List.copyOf(n.types))));
    });
    return list;
  }

  // ---------------------------------------------------------------------------------------------- Workers

  @Override
  public PoolView pool(String name) {
    return pools.get(name);
  }

  /** A node with a free slot in the pool and a handler for the type; while there is none the job waits. */
  @Override
  public boolean hasSlot(String pool, String type) {
    for (WorkerNode node : nodes.values()) {
      if (!node.draining && node.free(pool) > 0 && node.types.contains(type)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Set<String> types() {
    return typesSeen;
  }

  @Override
  public void start(AttemptOrder order) {
    WorkerNode chosen = null;
    for (WorkerNode node : nodes.values()) {
      if (!node.draining && node.free(order.pool()) > 0 && node.types.contains(order.type())
          && (chosen == null || node.free(order.pool()) > chosen.free(order.pool()))) {
        chosen = node;
      }
    }
    if (chosen == null) {
      // Cannot happen right after hasSlot on the same thread; if it does, the job waits again.
      vertx.runOnContext(v -> listener.lost(order.id(), order.lease()));
      return;
    }
    WorkerNode node = chosen;
    assign(node, order.id(), order.lease(), order.pool());
    node.orderOf.put(order.id(), ++node.orders);
    vertx.eventBus().request(Addresses.Jobs.workerOf(node.id), new JsonObject().put("action", "run")
        .put("epoch", epoch).put("seq", node.orders).put("order", order.toJson()), new DeliveryOptions().setSendTimeout(config.leaseMs()))
        .onFailure(e -> {
          // Not taken (the node is gone, or refused because it is draining): the attempt never ran there.
          if (release(node, order.id(), order.lease())) {
            listener.lost(order.id(), order.lease());
          }
        });
  }

  private void assign(WorkerNode node, String id, long lease, String pool) {
    node.attempts.put(id, lease);
    node.poolOf.put(id, pool);
    node.busy.merge(pool, 1, Integer::sum);
  }

  /** Forgets an attempt of a node; false when the node did not hold that lease. */
  private boolean release(WorkerNode node, String id, long lease) {
    Long held = node.attempts.get(id);
    if (held == null || held != lease) {
      return false;
    }
    node.attempts.remove(id);
    node.orderOf.remove(id);
    node.busy.merge(node.poolOf.remove(id), -1, Integer::sum);
    return true;
  }

  @Override
  public void adopt(String id, long lease, String pool) {
    adoptions.put(id, new Adoption(lease, pool, System.currentTimeMillis()));
  }

  @Override
  public void cancel(String id, long lease) {
    for (WorkerNode node : nodes.values()) {
      Long held = node.attempts.get(id);
      if (held != null && held == lease) {
        // The slot stays busy until the interrupted attempt's end comes back.
        vertx.eventBus().send(Addresses.Jobs.workerOf(node.id), new JsonObject().put("action", "cancel")
            .put("id", id).put("lease", lease));
      }
    }
    adoptions.remove(id);
  }

  @Override
  public void observeWait(String pool, long waitedMs) {
    waits.put(pool, waitedMs);
  }

  @Override
  public void adjust(long nowMs, Map<String, Boolean> backlog) {
    this.backlog.clear();
    this.backlog.putAll(backlog);
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    consumers.forEach(MessageConsumer::unregister);
  }

  // ---------------------------------------------------------------------------------------------- from workers

  private void heartbeat(Message<JsonObject> message) {
    JsonObject beat = message.body();
    String id = beat.getString("node");
    WorkerNode node = nodes.computeIfAbsent(id, k -> {
      LOG.info("worker node {} reports to this scheduler", k);
      return new WorkerNode(k);
    });
    node.lastSeenMs = System.currentTimeMillis();
    node.name = beat.getString("name", "");
    node.draining = beat.getBoolean("draining", false);
    node.limits.clear();
    beat.getJsonObject("pools", new JsonObject()).forEach(e -> node.limits.put(e.getKey(), ((Number) e.getValue())
        .intValue()));
    node.threads.clear();
    beat.getJsonObject("threads", new JsonObject()).forEach(e -> node.threads.put(e.getKey(),
        ((Number) e.getValue()).intValue()));
    Set<String> types = new LinkedHashSet<>();
    beat.getJsonArray("types", new JsonArray()).forEach(t -> types.add(String.valueOf(t)));
    node.types = types;
    typesSeen.addAll(types);
    JsonObject running = beat.getJsonObject("running", new JsonObject());
    JsonObject cancel = new JsonObject();
    if (!open) {
      message.reply(new JsonObject().put("cancel", cancel));
      return;
    }
    for (Map.Entry<String, Object> entry : running) {
      String jobId = entry.getKey();
      long lease = ((Number) entry.getValue()).longValue();
      Adoption adoption = adoptions.get(jobId);
      if (adoption != null && adoption.lease() == lease) {
        adoptions.remove(jobId);
        assign(node, jobId, lease, adoption.pool());
      } else if (!Long.valueOf(lease).equals(node.attempts.get(jobId))) {
        cancel.put(jobId, lease);   // a stale attempt: its job moved on
      }
    }
    // Orders this heartbeat's node had received when it was sent; adopted attempts have no order number.
    long received = beat.getLong("epoch", -1L) == epoch ? beat.getLong("seq", 0L) : 0;
    List<String[]> lost = new ArrayList<>();
    for (Map.Entry<String, Long> given : node.attempts.entrySet()) {
      Object listed = running.getValue(given.getKey());
      long seq = node.orderOf.getOrDefault(given.getKey(), 0L);
      boolean runs = listed instanceof Number n && n.longValue() == given.getValue();
      if (!runs && (seq == 0 || seq <= received)) {
        lost.add(new String[] {given.getKey(), String.valueOf(given.getValue())});
      }
    }
    for (String[] attempt : lost) {
      long lease = Long.parseLong(attempt[1]);
      if (release(node, attempt[0], lease)) {
        LOG.warn("worker node {} no longer runs job {}", id, attempt[0]);
        listener.lost(attempt[0], lease);
      }
    }
    JsonObject backlogs = new JsonObject();
    backlog.forEach(backlogs::put);
    JsonObject lastWaits = new JsonObject();
    waits.forEach(lastWaits::put);
    message.reply(new JsonObject().put("backlog", backlogs).put("waits", lastWaits).put("cancel", cancel));
  }

  private void ended(Message<JsonObject> message) {
    if (!open) {
      message.fail(503, "the scheduler is recovering");   // the worker reports the end again
      return;
    }
    JsonObject body = message.body();
    String id = body.getString("id");
    long lease = body.getLong("lease");
    WorkerNode node = nodes.get(body.getString("node"));
    boolean held = node != null && release(node, id, lease);
    if (!held && adoptions.containsKey(id) && adoptions.get(id).lease() == lease) {
      adoptions.remove(id);   // ended before its node's first heartbeat to this scheduler
      held = true;
    }
    if (!held) {
      message.reply(new JsonObject());   // stale or already taken: nothing to keep
      return;
    }
    // Acknowledged once stored: an end acknowledged and then lost with this scheduler would run the job again.
    listener.ended(id, lease, Outcome.fromJson(body.getJsonObject("outcome")))
        .onSuccess(v -> message.reply(new JsonObject()))
        .onFailure(e -> message.fail(500, "the end could not be stored: " + e.getMessage()));
  }

  private void progress(Message<JsonObject> message) {
    JsonObject body = message.body();
    listener.progress(body.getString("id"), body.getLong("lease"), body.getDouble("progress"),
        body.getString("message"));
  }

  private void handback(Message<JsonObject> message) {
    JsonObject body = message.body();
    WorkerNode node = nodes.get(body.getString("node"));
    JsonObject attempts = body.getJsonObject("attempts", new JsonObject());
    for (Map.Entry<String, Object> entry : attempts) {
      long lease = ((Number) entry.getValue()).longValue();
      if (node != null && release(node, entry.getKey(), lease)) {
        listener.lost(entry.getKey(), lease);
      }
    }
    if (node != null) {
      node.draining = true;
    }
    message.reply(new JsonObject());
  }

  /** Gives up on nodes silent for longer than the lease, and on adoptions nobody claimed within it. */
  private void expire() {
    long now = System.currentTimeMillis();
    List<WorkerNode> silent = nodes.values().stream().filter(n -> now - n.lastSeenMs > config.leaseMs()).toList();
    silent.forEach(node -> nodeGone(node.id, "silent for more than " + config.leaseMs() + " ms"));
    List<String> unclaimed = new ArrayList<>();
    adoptions.forEach((id, adoption) -> {
      if (now - adoption.sinceMs() > config.leaseMs()) {
        unclaimed.add(id);
      }
    });
    unclaimed.forEach(id -> listener.lost(id, adoptions.remove(id).lease()));
  }

  /** A worker node left the cluster or went silent: its attempts are lost. */
  public void nodeGone(String id, String why) {
    WorkerNode node = nodes.remove(id);
    if (node == null) {
      return;
    }
    LOG.warn("worker node {} is gone ({}): {} running job(s) go back to their queues", id, why,
        node.attempts.size());
    node.attempts.forEach(listener::lost);
  }
}
