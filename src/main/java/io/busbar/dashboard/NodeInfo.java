package io.busbar.dashboard;

import io.busbar.config.NodeConfig;
import io.busbar.config.Role;
import io.busbar.support.JvmVitals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.List;

/**
 * What a snapshot says about the node itself: who it is (name, roles, gateway address, host, pid, Java version, start
 * time) and how it is
 * doing (uptime, heap, CPU, threads). Everything comes from the JVM's management beans, which answer without blocking.
 */
final class NodeInfo {

  private final String name;
  private final List<String> roles;
  private final String http;
  private final String host;
  private final long pid;
  private final long startedAt;
  private final boolean clustered;
  private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();

  /**
   * @param node the node's name and roles ({@code node.*}), the same as in {@code /api/cluster} and the meters' label
   * @param httpPort the gateway's port, or -1 when this node serves no HTTP
   * @param clustered whether the node's event bus is clustered
   */
  NodeInfo(NodeConfig node, int httpPort, boolean clustered) {
    // The runtime's name is "pid@host", fixed at JVM start: no name lookup on the event loop.
    String runtimeName = runtime.getName();
    int at = runtimeName.indexOf('@');
    this.host = at >= 0 ? runtimeName.substring(at + 1) : "localhost";
    this.pid = ProcessHandle.current().pid();
    this.name = node.name();
    this.roles = node.roles().stream().map(Role::wireName).sorted().toList();
    this.http = httpPort >= 0 ? host + ":" + httpPort : null;
    this.startedAt = runtime.getStartTime();
    this.clustered = clustered;
  }

  String name() {
    return name;
  }

  /** The node's identity and vital signs now. */
  JsonObject toJson(long now) {
    JsonObject json = new JsonObject().put("name", name).put("roles", new JsonArray(roles)).put("host", host)
        .put("pid", pid)
        .put("java", Runtime.version().toString()).put("clustered", clustered).put("startedAt", startedAt)
        .put("uptimeMs", Math.max(0, now - startedAt));
    JvmVitals.putInto(json, "loadAverage");
    if (http != null) {
      json.put("http", http);
    }
    return json;
  }
}
