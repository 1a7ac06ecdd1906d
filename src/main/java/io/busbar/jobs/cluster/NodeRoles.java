package io.busbar.jobs.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/** Whether this node schedules jobs, runs them, or both ({@code node.roles}; every role when not given). */
public record NodeRoles(boolean scheduler, boolean worker) {

  public static NodeRoles of(JsonObject config) {
    JsonObject node = config.getJsonObject("node", new JsonObject());
    JsonArray roles = node.getJsonArray("roles");
    if (roles == null) {
      return new NodeRoles(true, true);
    }
    Set<String> names = new LinkedHashSet<>();
    roles.forEach(r -> names.add(String.valueOf(r)));
    return new NodeRoles(names.contains("scheduler"), names.contains("worker"));
  }
}
