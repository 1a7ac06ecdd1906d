package io.busbar.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster-wide directory of Busbar nodes: the map {@value #MAP} (a Hazelcast map when clustered, with one
 * synchronous backup; a local map otherwise), node id → {@link NodeEntry}. Each node refreshes its own entry, which
 * expires after three refresh periods without one; the entry of a member that leaves is removed at once.
 */
final class NodeDirectory {

  /** The map's name (matched by the {@code busbar.*} map configuration of conf/cluster.xml). */
  static final String MAP = "busbar.nodes";

  private final Vertx vertx;
  private final ClusterView view;
  private final long ttlMs;

  NodeDirectory(Vertx vertx, ClusterView view, long refreshMs) {
    this.vertx = vertx;
    this.view = view;
    this.ttlMs = refreshMs * 3;
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    try {
      return vertx.sharedData().getAsyncMap(MAP);
    } catch (RuntimeException e) {
      // Hazelcast throws here, rather than failing the future, once its member has stopped.
      return Future.failedFuture(e);
    }
  }

  Future<Void> put(JsonObject entry) {
    return map().compose(m -> m.put(entry.getString("id"), entry, ttlMs));
  }

  Future<Void> remove(String nodeId) {
    return map().compose(m -> m.remove(nodeId)).mapEmpty();
  }

  /**
   * The members as the view JSON of {@link io.busbar.bus.Addresses.Cluster#VIEW}: one object per member, its entry
   * when it has one (a member that just joined, or is not a Busbar node, has only its id), sorted by name; this
   * node's own entry is {@code self}, current rather than as last refreshed.
   */
  Future<JsonObject> view(JsonObject selfEntry) {
    return map().compose(AsyncMap::entries).map(entries -> render(entries, selfEntry));
  }

  private JsonObject render(Map<String, JsonObject> stored, JsonObject selfEntry) {
    List<String> members = view.memberIds();
    String self = view.nodeId();
    Map<String, JsonObject> entries = new HashMap<>(stored);
    entries.put(self, selfEntry);
    JsonArray nodes = new JsonArray(members.stream()
        .map(id -> entries.getOrDefault(id, new JsonObject().put("id", id)).copy().put("self", id.equals(self)))
        .sorted(Comparator.comparing((JsonObject n) -> n.getString("name", "~" + n.getString("id"))))
        .map(Object.class::cast).toList());
    return new JsonObject().put("clustered", view.clustered()).put("self", self).put("active", view.active())
        .put("members", members.size()).put("nodes", nodes);
  }
}
