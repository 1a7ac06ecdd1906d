package io.busbar.dashboard;

import io.busbar.config.JobPoolConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the snapshots published on {@code busbar.stats}; the only place their fields are spelt. A snapshot is
 *
 * <pre>{@code
 * {
 *   "seq": n, "time": epoch ms, "intervalMs": ms between snapshots,
 *   "node":    {"name", "host", "pid", "java", "clustered", "startedAt", "uptimeMs", "heapUsed", "heapMax" (bytes),
 *               "cpus", "threads", "loadAverage"?, "processCpu"? (0..1)},
 *   "queues":  [ every field of a jobs.queues entry (length, running, arrivalRate, completionRate, serviceRate,
 *                utilisation, meanWaitMs, predictedWaitMs, poolLimit, …), plus
 *                "wait": T, "service": T (all types together), "types": [{"type", T…}],
 *                "finished": {"<state>": count}, "submitted": count ],
 *   "pools":   [ {"name", "kind", "min", "max", "limit", "busy", "threads"} ],  (the job pools)
 *   "workers": [ {"name", "inUse", "pending"} ],                                 (Vert.x worker pools)
 *   "gateway": {"connections": {"websocket", "sockjs", "sse"}, "subscriptions"},
 *   "eventBus": {"handlers", "pending", "sent", "published", "delivered", "discarded"} (counts since start),
 *   "jobs":    {"store", "durability", "handlers": [job types]}
 * }
 * }</pre>
 *
 * where a timer {@code T} is {@code {"count", "recent", "meanMs", "p50", "p95", "p99", "maxMs"}} in milliseconds
 * ({@link RecentTimers.Reading}): percentiles over the last two minutes, absent when nothing was recorded in that
 * time. A queue's {@code service} across several job types weights each type's percentiles by its recent count:
 * an approximation (percentiles do not add up), marked {@code "mixed": true}; {@code types} has the exact ones.
 * Without a meter registry (metrics disabled) the timers, counts, workers, gateway and event-bus figures are absent.
 */
final class StatsSnapshot {

  private static final String[] TRANSPORTS = {"websocket", "sockjs", "sse"};

  private final MeterRegistry registry;
  private final Map<String, JobPoolConfig> poolConfigs;
  private final NodeInfo node;
  private final long intervalMs;
  private final RecentTimers timers = new RecentTimers();

  /**
   * @param registry the node's meters, or null when metrics are disabled
   * @param poolConfigs the configured job pools, by name
   */
  StatsSnapshot(MeterRegistry registry, Map<String, JobPoolConfig> poolConfigs, NodeInfo node, long intervalMs) {
    this.registry = registry;
    this.poolConfigs = poolConfigs;
    this.node = node;
    this.intervalMs = intervalMs;
  }

  /** A snapshot now, from the reply of {@code jobs.queues} (empty when the node runs no jobs). */
  JsonObject take(long seq, long now, JsonObject queuesReply) {
    JsonArray queues = new JsonArray();
    Map<String, JsonObject> pools = new LinkedHashMap<>();
    for (Object entry : queuesReply.getJsonArray("queues", new JsonArray())) {
      if (entry instanceof JsonObject queue) {
        queues.add(queue(queue.copy(), now));
        pools.computeIfAbsent(queue.getString("pool"), name -> pool(name, queue));
      }
    }
    JsonObject snapshot = new JsonObject().put("seq", seq).put("time", now).put("intervalMs", intervalMs)
        .put("node", node.toJson(now)).put("queues", queues).put("pools", new JsonArray(pools.values().stream().toList()))
        .put("jobs", new JsonObject().put("store", queuesReply.getString("store"))
            .put("durability", queuesReply.getString("durability"))
            .put("handlers", queuesReply.getJsonArray("handlers", new JsonArray())));
    if (registry != null) {
      snapshot.put("workers", workers()).put("gateway", gateway()).put("eventBus", eventBus());
    }
    return snapshot;
  }

  private JsonObject queue(JsonObject queue, long now) {
    if (registry == null) {
      return queue;
    }
    String name = queue.getString("name");
    Timer wait = registry.find("busbar.queue.wait").tag("queue", name).timer();
    if (wait != null) {
      queue.put("wait", timers.read("wait/" + name, wait, now).toJson());
    }
    Map<String, RecentTimers.Reading> byType = new TreeMap<>();
    for (Timer service : registry.find("busbar.job.service").tag("queue", name).timers()) {
      String type = service.getId().getTag("type");
      byType.put(type, timers.read("service/" + name + "/" + type, service, now));
    }
    JsonArray types = new JsonArray();
    byType.forEach((type, reading) -> types.add(reading.toJson().put("type", type)));
    if (!byType.isEmpty()) {
      queue.put("service", combined(byType)).put("types", types);
    }
    JsonObject finished = new JsonObject();
    for (Counter counter : registry.find("busbar.jobs.finished").tag("queue", name).counters()) {
      String state = counter.getId().getTag("state");
      finished.put(state, finished.getLong(state, 0L) + (long) counter.count());
    }
    Counter submitted = registry.find("busbar.jobs.submitted").tag("queue", name).counter();
    return queue.put("finished", finished).put("submitted", submitted == null ? 0 : (long) submitted.count());
  }

  /** Several types' readings as one: counts add up, means and percentiles are weighted by (recent) counts. */
  private static JsonObject combined(Map<String, RecentTimers.Reading> byType) {
    long count = 0;
    long recent = 0;
    double sum = 0;
    double max = 0;
    double[] percentiles = new double[3];
    int contributing = 0;
    for (RecentTimers.Reading r : byType.values()) {
      count += r.count();
      sum += r.meanMs() * r.count();
      if (r.recent() > 0) {
        recent += r.recent();
        max = Math.max(max, r.maxMs());
        percentiles[0] += r.p50() * r.recent();
        percentiles[1] += r.p95() * r.recent();
        percentiles[2] += r.p99() * r.recent();
        contributing++;
      }
    }
    double weight = Math.max(1, recent);
    JsonObject json = new RecentTimers.Reading(count, recent, count == 0 ? 0 : sum / count, max,
        percentiles[0] / weight, percentiles[1] / weight, percentiles[2] / weight).toJson();
    return contributing > 1 ? json.put("mixed", true) : json;
  }

  private JsonObject pool(String name, JsonObject queue) {
    JsonObject pool = new JsonObject().put("name", name).put("limit", queue.getValue("poolLimit"))
        .put("busy", queue.getValue("poolBusy")).put("threads", queue.getValue("poolThreads"));
    JobPoolConfig config = poolConfigs.get(name);
    if (config != null) {
      pool.put("kind", config.kind().name().toLowerCase()).put("min", config.min()).put("max", config.max());
    }
    return pool;
  }

  private JsonArray workers() {
    Map<String, JsonObject> byName = new TreeMap<>();
    for (Gauge gauge : registry.find("vertx.pool.in.use").tag("pool_type", "worker").gauges()) {
      String name = gauge.getId().getTag("pool_name");
      byName.computeIfAbsent(name, n -> new JsonObject().put("name", n)).put("inUse", (long) gauge.value());
    }
    for (Gauge gauge : registry.find("vertx.pool.queue.pending").tag("pool_type", "worker").gauges()) {
      JsonObject worker = byName.get(gauge.getId().getTag("pool_name"));
      if (worker != null) {
        worker.put("pending", (long) gauge.value());
      }
    }
    return new JsonArray(byName.values().stream().toList());
  }

  private JsonObject gateway() {
    JsonObject connections = new JsonObject();
    for (String transport : TRANSPORTS) {
      Gauge gauge = registry.find("busbar.gateway.connections").tag("transport", transport).gauge();
      connections.put(transport, gauge == null ? 0 : (long) gauge.value());
    }
    Gauge subscriptions = registry.find("busbar.gateway.subscriptions").gauge();
    return new JsonObject().put("connections", connections)
        .put("subscriptions", subscriptions == null ? 0 : (long) subscriptions.value());
  }

  private JsonObject eventBus() {
    JsonObject json = new JsonObject();
    for (String gauge : new String[] {"handlers", "pending"}) {
      json.put(gauge, (long) registry.find("vertx.eventbus." + gauge).gauges().stream().mapToDouble(Gauge::value).sum());
    }
    for (String counter : new String[] {"sent", "published", "delivered", "discarded"}) {
      json.put(counter,
          (long) registry.find("vertx.eventbus." + counter).counters().stream().mapToDouble(Counter::count).sum());
    }
    return json;
  }
}
