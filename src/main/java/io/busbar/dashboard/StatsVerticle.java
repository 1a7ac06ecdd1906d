package io.busbar.dashboard;

import io.busbar.bus.Addresses;
import io.busbar.cluster.ClusterClient;
import io.busbar.config.BusbarConfig;
import io.busbar.config.Conf;
import io.busbar.web.GatewayVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Publishes a {@link StatsSnapshot} of the node on {@link Addresses.Stats#SNAPSHOTS} every {@code stats.intervalMs}
 * (default 1000 ms), for the dashboard, and keeps the latest {@code stats.historySize} (default 300) to answer
 * {@link Addresses.Stats#HISTORY}, so that a page opened now starts with the last minutes already drawn.
 *
 * <p>Each snapshot asks the node's own jobs service for its queues ({@code jobs.queues}, local only), on a clustered
 * node also the cluster service for the members it sees (under {@code cluster}), and reads the node's meter
 * registry. One instance per node; it runs on an event loop and never blocks.
 */
public final class StatsVerticle extends VerticleBase {

  private final Deque<JsonObject> history = new ArrayDeque<>();
  private StatsSnapshot snapshots;
  private long intervalMs;
  private int historySize;
  private long seq;
  private boolean collecting;
  private String nodeName;

  @Override
  public Future<?> start() {
    Conf conf = Conf.of(config(), "").section("stats");
    intervalMs = conf.longIn("intervalMs", 1000, 100, 60_000);
    historySize = conf.intIn("historySize", 300, 1, 3600);
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    Object port = vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT);
    BusbarConfig busbar = BusbarConfig.from(config());
    NodeInfo node = new NodeInfo(busbar.node(), port instanceof Integer p ? p : -1, vertx.isClustered());
    nodeName = node.name();
    snapshots = new StatsSnapshot(registry, busbar.jobs().pools(), node, intervalMs);
    vertx.setPeriodic(intervalMs, t -> collect());
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.Stats.HISTORY, this::history).completion();
  }

  /** Takes and publishes one snapshot; skipped while the previous one still waits for the jobs service. */
  private void collect() {
    if (collecting) {
      return;
    }
    collecting = true;
    DeliveryOptions local = new DeliveryOptions().setLocalOnly(true).setSendTimeout(Math.max(intervalMs, 1000));
    // A node without the jobs service (or a slow one) still reports everything else; likewise for the cluster.
    Future<JsonObject> queues = vertx.eventBus().<JsonObject>request(Addresses.Jobs.QUEUES, new JsonObject(), local)
        .map(Message::body).otherwise(new JsonObject());
    Future<JsonObject> cluster = vertx.isClustered()
        ? new ClusterClient(vertx.eventBus()).view(local.getSendTimeout()).map(StatsVerticle::membership)
            .otherwise((JsonObject) null)
        : Future.succeededFuture(null);
    Future.join(queues, cluster).onComplete(ar -> {
      collecting = false;
      JsonObject snapshot = snapshots.take(++seq, System.currentTimeMillis(), queues.result());
      if (cluster.result() != null) {
        snapshot.put("cluster", cluster.result());
      }
      publish(snapshot);
    });
  }

  /**
   * The cluster's members as this node sees them, for the dashboard's nodes panel: {@code {"members": n, "nodes":
   * [{"name", "roles", "gateway", "host", "startedAt"}]}} (a member not yet in the node directory has only its id).
   */
  private static JsonObject membership(JsonObject view) {
    JsonArray nodes = new JsonArray();
    for (Object o : view.getJsonArray("nodes", new JsonArray())) {
      JsonObject n = (JsonObject) o;
      nodes.add(new JsonObject().put("id", n.getString("id")).put("name", n.getString("name"))
          .put("roles", n.getJsonArray("roles")).put("gateway", n.getString("gateway")).put("host", n.getString("host"))
          .put("startedAt", n.getLong("startedAt")));
    }
    return new JsonObject().put("members", view.getInteger("members", nodes.size())).put("nodes", nodes);
  }

  private void publish(JsonObject snapshot) {
    history.addLast(snapshot);
    while (history.size() > historySize) {
      history.removeFirst();
    }
    vertx.eventBus().publish(Addresses.Stats.SNAPSHOTS, snapshot);
  }

  private void history(Message<JsonObject> request) {
    JsonObject body = request.body() == null ? new JsonObject() : request.body();
    int limit = body.getInteger("limit", historySize);
    JsonArray list = new JsonArray();
    history.stream().skip(Math.max(0, history.size() - Math.max(0, limit))).forEach(list::add);
    request.reply(new JsonObject().put("node", nodeName).put("intervalMs", intervalMs).put("snapshots", list));
  }
}
