package io.busbar.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Vert.x's event-bus routes as Hazelcast stores them, and their removal when they lead to nodes that are gone.
 *
 * <p>Vert.x keeps every consumer registration of the cluster in the multimap {@value #SUBS} (address → the
 * registering node's id), and each node routes by it. When a member leaves, every node removes the leaver's entries
 * in its membership callback; when several members die at once (kill -9), that clean-up runs while partitions are
 * still migrating and can fail or miss entries, and the survivors keep sending to dead nodes: messages go to a
 * connection that never opens and requests time out (vertx-hazelcast #196). Removing such an entry fires Hazelcast's
 * entry events, on which every node's router refreshes that address. All methods are blocking (Hazelcast calls).
 */
final class StaleRoutes {

  /** Vert.x's subscription multimap (vertx-hazelcast {@code SubsMapHelper}). */
  static final String SUBS = "__vertx.subs";

  /** Vert.x's map of node id → where its event bus listens. */
  static final String NODE_INFO = "__vertx.nodeInfo";

  private final MultiMap<String, HazelcastRegistrationInfo> subs;
  private final IMap<String, Object> nodeInfo;

  StaleRoutes(HazelcastInstance hazelcast) {
    // The values are vertx-hazelcast's own types; only their node ids are read here.
    this.subs = hazelcast.getMultiMap(SUBS);
    this.nodeInfo = hazelcast.getMap(NODE_INFO);
  }

  /** Whether {@code nodeId} has published where its event bus listens (a live node does before it registers). */
  boolean hasNodeInfo(String nodeId) {
    return nodeInfo.containsKey(nodeId);
  }

  /** The ids of the nodes that hold at least one registration. */
  Set<String> nodes() {
    Set<String> nodes = new HashSet<>();
    for (HazelcastRegistrationInfo registration : subs.values()) {
      nodes.add(registration.unwrap().nodeId());
    }
    return nodes;
  }

  /** Removes every registration whose node id is {@code gone}; returns how many were removed. */
  int remove(Predicate<String> gone) {
    int removed = 0;
    for (Map.Entry<String, HazelcastRegistrationInfo> entry : subs.entrySet()) {
      if (gone.test(entry.getValue().unwrap().nodeId()) && subs.remove(entry.getKey(), entry.getValue())) {
        removed++;
      }
    }
    return removed;
  }

  /** Removes {@code address}'s registrations whose node id is {@code gone}; returns how many. */
  int remove(String address, Predicate<String> gone) {
    int removed = 0;
    for (HazelcastRegistrationInfo registration : subs.get(address)) {
      if (gone.test(registration.unwrap().nodeId()) && subs.remove(address, registration)) {
        removed++;
      }
    }
    return removed;
  }
}
