package io.busbar.cluster;

import com.hazelcast.core.LifecycleEvent;
import io.busbar.metrics.ClusterMeters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the clustered event bus from routing to dead nodes (VERTX5.md pitfall 8), in three ways:
 * <ol>
 *   <li>when a member leaves, the oldest member removes the leaver's registrations at once and again two seconds
 *       later (by then partitions lost with it have been restored from backups);</li>
 *   <li>every {@code cluster.sweepMs} the oldest member removes registrations of nodes that were absent from the
 *       member list in two sweeps in a row (the second sweep spares a node that has just joined, whose
 *       registrations may arrive before its membership reaches this member);</li>
 *   <li>when Hazelcast reports data lost (a partition's every copy died with members), each node publishes its own
 *       registrations again, as Vert.x does after a split brain merges.</li>
 * </ol>
 * For the gateway, {@link #heal} removes one address's routes to departed nodes and says whether a failed request
 * is worth one more try. Hazelcast calls run on worker threads.
 */
final class RouteHealer {

  private static final Logger LOG = LoggerFactory.getLogger(RouteHealer.class);
  /** How long a departed node is remembered. */
  private static final long MEMORY_MS = 10 * 60_000;
  private static final long SECOND_SWEEP_MS = 2_000;
  /**
   * How long after a route is removed from the cluster's map a node's event bus may still use it: Vert.x updates its
   * routing cache from the map's events, asynchronously. A request sent in that window may still go to the gone node.
   */
  private static final long ROUTING_LAG_MS = 5_000;

  private final Vertx vertx;
  private final ClusterView view;
  private final ClusterMeters meters;
  private final StaleRoutes routes;
  private final Map<String, Long> departed = new ConcurrentHashMap<>();
  private volatile Set<String> suspects = Set.of();
  /** When routes of gone nodes were last removed (epoch ms), by any heal or sweep. */
  private volatile long lastRemovalAt;

  RouteHealer(Vertx vertx, ClusterView view, ClusterMeters meters) {
    this.vertx = vertx;
    this.view = view;
    this.meters = meters;
    this.routes = view.hazelcast() == null ? null : new StaleRoutes(view.hazelcast());
  }

  /** Records that {@code nodeId} left, and removes its routes (oldest member only). */
  void departed(String nodeId) {
    long now = System.currentTimeMillis();
    departed.put(nodeId, now);
    departed.values().removeIf(at -> at < now - MEMORY_MS);
    if (routes != null && view.isOldest()) {
      removeDeparted();
      vertx.setTimer(SECOND_SWEEP_MS, t -> removeDeparted());
    }
  }

  private Future<Integer> removeDeparted() {
    return blocking(() -> count(routes.remove(departed::containsKey)));
  }

  /**
   * The periodic sweep: the oldest member removes the routes of nodes absent from two sweeps in a row; completes
   * with how many it removed.
   */
  Future<Integer> sweepIfOldest() {
    if (routes == null || !view.isOldest()) {
      suspects = Set.of();
      return Future.succeededFuture(0);
    }
    return blocking(() -> {
      Set<String> absent = new HashSet<>(routes.nodes());
      absent.removeAll(view.memberIds());
      Set<String> confirmed = new HashSet<>(absent);
      confirmed.removeIf(id -> !suspects.contains(id) && !departed.containsKey(id));
      int removed = confirmed.isEmpty() ? 0 : count(routes.remove(confirmed::contains));
      absent.removeAll(confirmed);
      suspects = absent;
      return removed;
    });
  }

  /**
   * For a request to {@code address} sent at {@code sentAt} that failed with TIMEOUT or NO_HANDLERS: removes the
   * address's routes to nodes that are not members and are known to be gone (they left, were absent from the last
   * sweep, or have no node info: a node joining writes its node info before it registers anything) and answers
   * {@code {"retry", "removed"}}; retry is true when such routes were found, or routes of gone nodes were removed
   * shortly before the request was sent or since, or a member left since it was sent: the failure then most likely
   * being the departed node's.
   */
  Future<JsonObject> heal(String address, long sentAt) {
    boolean leftSince = departed.values().stream().anyMatch(at -> at >= sentAt);
    if (routes == null) {
      return Future.succeededFuture(new JsonObject().put("retry", false).put("removed", 0));
    }
    Set<String> members = new HashSet<>(view.memberIds());
    return vertx.executeBlocking(() -> {
      int removed = count(routes.remove(address, id -> !members.contains(id)
          && (departed.containsKey(id) || suspects.contains(id) || !routes.hasNodeInfo(id))));
      // A request sent just after another removed the route may have gone to it anyway (ROUTING_LAG_MS).
      boolean removedLately = lastRemovalAt >= sentAt - ROUTING_LAG_MS;
      return new JsonObject().put("retry", removed > 0 || leftSince || removedLately).put("removed", removed);
    }, false);
  }

  /** Publishes this node's registrations again (after data loss), and has Vert.x reload its routing. */
  Future<Integer> republishOwn() {
    if (!(view.manager() instanceof HazelcastClusterManager manager)) {
      return Future.succeededFuture(0);
    }
    // What vertx-hazelcast does itself after a split brain merges: clean departed nodes' routes, put this node's own
    // registrations back (on a worker thread of its own), reload the routing tables.
    return blocking(() -> {
      manager.stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGED));
      return 0;
    });
  }

  private int count(int removed) {
    if (removed > 0) {
      lastRemovalAt = System.currentTimeMillis();
      LOG.info("cluster: removed {} event-bus registrations of nodes that are gone", removed);
      meters.staleRoutesRemoved(removed);
    }
    return removed;
  }

  private Future<Integer> blocking(java.util.concurrent.Callable<Integer> task) {
    return vertx.executeBlocking(task, false)
        .onFailure(e -> LOG.warn("cluster: healing the event-bus routes failed: {}", e.toString()));
  }
}
