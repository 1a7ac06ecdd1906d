package io.busbar.cluster;

import io.busbar.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;

/**
 * A node's entry in the cluster's node directory ({@code busbar.nodes}), refreshed every {@code cluster.refreshMs}:
 * <pre>{@code
 * {"id": Vert.x node id, "name", "roles": [...], "host": the address the cluster reaches it at,
 *  "gateway": "http://host:port" or null (no gateway role), "startedAt": epoch ms, "updatedAt": epoch ms,
 *  "load": {"heapUsed", "heapMax" (bytes), "processCpu" (0..1 of the machine), "systemLoad" (1-minute average),
 *           "cpus", "threads", "connections" (open bridge connections)}}
 * }</pre>
 * The figures come from the JVM's management beans, which answer without blocking.
 */
final class NodeEntry {

  private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

  private NodeEntry() {
  }

  static JsonObject of(String id, NodeConfig node, String host, String gateway, long startedAt, long connections) {
    return new JsonObject().put("id", id).put("name", node.name()).put("roles", node.rolesJson()).put("host", host)
        .put("gateway", gateway).put("startedAt", startedAt).put("updatedAt", System.currentTimeMillis())
        .put("load", load(connections));
  }

  private static JsonObject load(long connections) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    JsonObject load = new JsonObject().put("heapUsed", heap.getUsed())
        .put("heapMax", heap.getMax() > 0 ? heap.getMax() : heap.getCommitted())
        .put("cpus", OS.getAvailableProcessors()).put("threads", ManagementFactory.getThreadMXBean().getThreadCount())
        .put("connections", connections);
    if (OS.getSystemLoadAverage() >= 0) {
      load.put("systemLoad", OS.getSystemLoadAverage());
    }
    if (OS instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuLoad() >= 0) {
      load.put("processCpu", sun.getProcessCpuLoad());
    }
    return load;
  }
}
