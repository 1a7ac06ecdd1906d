package io.busbar.cluster;

import io.busbar.bus.Addresses;
import io.busbar.config.BusbarConfig;
import io.busbar.config.ClusterConfig;
import io.busbar.config.NodeConfig;
import io.busbar.metrics.ClusterMeters;
import io.busbar.metrics.GatewayMeters;
import io.busbar.web.GatewayVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster service of a node (descriptor {@code cluster.json}, on every node): keeps this node's entry in the
 * node directory, answers {@link Addresses.Cluster#VIEW} ({@code GET /api/cluster}), {@link Addresses.Cluster#PING}
 * and {@link Addresses.Cluster#HEAL}, publishes membership changes on {@link Addresses.Cluster#MEMBERS}, and heals
 * the event bus after members die (see {@link RouteHealer}). Hazelcast calls run on worker threads.
 */
public final class ClusterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterVerticle.class);

  private ClusterView view;
  private NodeDirectory directory;
  private RouteHealer healer;
  private ClusterView.Subscription subscription;
  private NodeConfig node;
  private long startedAt;

  @Override
  public Future<?> start() {
    BusbarConfig config = BusbarConfig.from(config());
    ClusterConfig cluster = config.cluster();
    node = config.node();
    startedAt = System.currentTimeMillis();
    view = ClusterView.of(vertx);
    directory = new NodeDirectory(vertx, view, cluster.refreshMs());
    healer = new RouteHealer(vertx, view, ClusterMeters.get());
    ClusterMeters.get().members(() -> view.memberIds().size());
    subscription = view.listen(vertx, new Membership());
    vertx.setPeriodic(cluster.refreshMs(), t -> refresh());
    if (view.hazelcast() != null) {
      vertx.setPeriodic(cluster.sweepMs(), t -> healer.sweepIfOldest());
    }
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>localConsumer(Addresses.Cluster.VIEW, this::view).completion(),
        bus.<JsonObject>localConsumer(Addresses.Cluster.HEAL, this::heal).completion(),
        bus.<JsonObject>consumer(Addresses.Cluster.PING, this::ping).completion(),
        refresh()));
  }

  @Override
  public Future<?> stop() {
    subscription.cancel();
    // Leave the directory at once rather than after the entry's time to live.
    return view.active() ? directory.remove(view.nodeId()).otherwiseEmpty() : Future.succeededFuture();
  }

  /** Puts this node's entry (with its load now) into the directory, while the node is a member. */
  private Future<Void> refresh() {
    if (!view.active()) {
      return Future.succeededFuture();
    }
    return directory.put(entry());
  }

  /** This node's directory entry, as of now. */
  private JsonObject entry() {
    return NodeEntry.of(view.nodeId(), node, clusterHost(), gateway(), startedAt, GatewayMeters.get().bridgeConnections());
  }

  private String clusterHost() {
    var manager = view.manager();
    return manager != null && manager.getNodeInfo() != null ? manager.getNodeInfo().host() : "localhost";
  }

  /** The gateway's URL as other nodes reach it, or null when this node serves no HTTP. */
  private String gateway() {
    Object port = vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT);
    return port instanceof Integer p ? "http://" + clusterHost() + ":" + p : null;
  }

  private void view(Message<JsonObject> request) {
    directory.view(entry()).onSuccess(request::reply).onFailure(e -> request.fail(500, e.getMessage()));
  }

  private void ping(Message<JsonObject> request) {
    request.reply(new JsonObject().put("id", view.nodeId()).put("name", node.name()));
  }

  private void heal(Message<JsonObject> request) {
    JsonObject body = request.body() == null ? new JsonObject() : request.body();
    String address = body.getString("address");
    if (address == null) {
      request.fail(400, "address: required");
      return;
    }
    healer.heal(address, body.getLong("sentAt", 0L)).onSuccess(request::reply)
        .onFailure(e -> request.fail(500, e.getMessage()));
  }

  /** Reacts to members joining and leaving, on this verticle's event loop. */
  private final class Membership implements ClusterView.Listener {

    @Override
    public void memberAdded(String nodeId) {
      LOG.info("cluster: member {} joined; {} members", nodeId, view.memberIds().size());
      announce("added", nodeId);
    }

    @Override
    public void memberRemoved(String nodeId) {
      LOG.info("cluster: member {} left; {} members", nodeId, view.memberIds().size());
      announce("removed", nodeId);
      directory.remove(nodeId);
      healer.departed(nodeId);
    }

    @Override
    public void dataLost(String mapName) {
      LOG.warn("cluster: every copy of some data was lost (members died together); republishing this node's"
          + " event-bus registrations");
      healer.republishOwn();
    }

    private void announce(String event, String nodeId) {
      vertx.eventBus().publish(Addresses.Cluster.MEMBERS, new JsonObject().put("event", event).put("nodeId", nodeId),
          new DeliveryOptions().setLocalOnly(true));
    }
  }
}
