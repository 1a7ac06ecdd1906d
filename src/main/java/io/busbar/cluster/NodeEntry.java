package io.busbar.cluster;

import io.busbar.config.NodeConfig;
import io.busbar.support.JvmVitals;
import io.vertx.core.json.JsonObject;

/**
 * A node's entry in the cluster's node directory ({@code busbar.nodes}), refreshed every {@code cluster.refreshMs}:
 * <pre>{@code
 * {"id": Vert.x node id, "name", "roles": [...], "host": the address the cluster reaches it at,
 *  "gateway": "http://host:port" or null (no gateway role), "startedAt": epoch ms, "updatedAt": epoch ms,
 *  "load": {"heapUsed", "heapMax" (bytes), "processCpu" (0..1 of the machine), "systemLoad" (1-minute average),
 *           "cpus", "threads", "connections" (open bridge connections)}}
 * }</pre>
 * The figures come from {@link JvmVitals}.
 */
final class NodeEntry {

  private NodeEntry() {
  }

  static JsonObject of(String id, NodeConfig node, String host, String gateway, long startedAt, long connections) {
    return new JsonObject().put("id", id).put("name", node.name()).put("roles", node.rolesJson()).put("host", host)
        .put("gateway", gateway).put("startedAt", startedAt).put("updatedAt", System.currentTimeMillis())
        .put("load", load(connections));
  }

  private static JsonObject load(long connections) {
    return JvmVitals.putInto(new JsonObject(), "systemLoad").put("connections", connections);
  }
}
