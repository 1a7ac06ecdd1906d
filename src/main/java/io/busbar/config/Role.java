package io.busbar.config;

import io.vertx.core.json.JsonArray;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a node does in a cluster. A node has one or more roles ({@code node.roles}); a deployment descriptor may name
 * the roles it belongs to ({@code roles}), and a node deploys only the descriptors that share a role with it (or
 * name none). In configuration and JSON a role is written in lower case ({@link #wireName()}).
 */
public enum Role {
  /** Opens the bus to clients: the HTTP server, the WebSocket/SockJS bridge, SSE and the dashboard. */
  GATEWAY,
  /** Accepts jobs and decides which job runs next (queues, policies). */
  SCHEDULER,
  /** Runs jobs and the services that do the work (job handlers, the demo services). */
  WORKER;

  /** The role's name in configuration and JSON: {@code gateway}, {@code scheduler}, {@code worker}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role called {@code value} (case-insensitive, surrounding blanks ignored).
   *
   * @param key the configuration key reported when {@code value} is not a role
   */
  public static Role parse(String key, Object value) {
    if (value instanceof String s) {
      for (Role role : values()) {
        if (role.wireName().equalsIgnoreCase(s.trim())) {
          return role;
        }
      }
    }
    throw new ConfigException(key, "must be one of " + names() + ", got " + Conf.describe(value));
  }

  /** The roles named in {@code list}; an entry that is not a role is reported as {@code key[i]}. */
  public static Set<Role> parseAll(String key, JsonArray list) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (int i = 0; i < list.size(); i++) {
      roles.add(parse(key + "[" + i + "]", list.getValue(i)));
    }
    return Collections.unmodifiableSet(roles);
  }

  /** The wire names of all roles, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "));
  }
}
