package io.busbar.config;

import io.vertx.core.json.JsonArray;
import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who this node is ({@code node.*}).
 *
 * @param name a readable name, shown in {@code /api/cluster}, the dashboard and the {@code node} label of every
 *     meter; default (empty or absent) {@code <host>-<pid>}, unique per process
 * @param roles what the node runs (see {@link Role}); default all three. Given as a JSON array
 *     ({@code ["gateway","worker"]}) or a comma list ({@code BUSBAR_NODE_ROLES=worker}, alias {@code BUSBAR_ROLES})
 */
public record NodeConfig(String name, Set<Role> roles) {

  /** A name that is unique per process and readable: the host name, a dash and the process id. */
  public static final String DEFAULT_NAME = defaultName();

  static NodeConfig from(Conf c) {
    c.onlyKeys("name", "roles");
    String name = DEFAULT_NAME;
    if (c.has("name")) {
      Object value = c.json().getValue("name");
      if (!(value instanceof String s) || !s.isEmpty() && !s.matches("[A-Za-z0-9._:@-]{1,100}")) {
        throw new ConfigException(c.key("name"),
            "must be 1 to 100 letters, digits or . _ : @ - (or empty for the default), got " + Conf.describe(value));
      }
      name = s.isEmpty() ? DEFAULT_NAME : s;
    }
    return new NodeConfig(name, roles(c));
  }

  private static Set<Role> roles(Conf c) {
    if (!c.has("roles")) {
      return Collections.unmodifiableSet(EnumSet.allOf(Role.class));
    }
    Object value = c.json().getValue("roles");
    JsonArray list;
    if (value instanceof String s) {
      list = new JsonArray();
      for (String part : s.split(",", -1)) {
        list.add(part.trim());
      }
    } else {
      list = c.array("roles");
    }
    Set<Role> roles = Role.parseAll(c.key("roles"), list);
    if (roles.isEmpty()) {
      throw new ConfigException(c.key("roles"), "must name at least one of " + Role.names());
    }
    return roles;
  }

  /** True when this node has {@code role}. */
  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** The roles' wire names, in declaration order. */
  public JsonArray rolesJson() {
    return new JsonArray(roles.stream().map(Role::wireName).collect(Collectors.toList()));
  }

  private static String defaultName() {
    // "pid@host", computed by the JVM once at start-up: no name lookup at each call.
    String runtime = ManagementFactory.getRuntimeMXBean().getName();
    int at = runtime.indexOf('@');
    String host = at >= 0 ? runtime.substring(at + 1) : "localhost";
    return host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
  }
}
