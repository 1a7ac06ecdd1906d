package io.busbar.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies environment-variable and system-property overrides to a configuration tree.
 *
 * <p>Every key that exists in the tree can be set from the environment: its dotted path with each segment written
 * in upper snake case, prefixed with {@code BUSBAR_} ({@code http.port} is {@code BUSBAR_HTTP_PORT},
 * {@code bridge.maxFrameBytes} is {@code BUSBAR_BRIDGE_MAX_FRAME_BYTES}, {@code pools.cpu.size} is
 * {@code BUSBAR_POOLS_CPU_SIZE}). System properties use the path itself with the prefix {@code busbar.}
 * ({@code -Dbusbar.http.port=9090}) and may also add keys the tree does not have yet. System properties win over
 * environment variables. Array and object values are given as JSON text.
 *
 * <p>A few variables also have a short alias ({@link #ALIASES}); the full name wins when both are set.
 */
public final class ConfigOverrides {

  /** Prefix of environment variables that override configuration keys. */
  public static final String ENV_PREFIX = "BUSBAR_";
  /** Prefix of system properties that override configuration keys. */
  public static final String SYS_PREFIX = "busbar.";
  /** Short environment variable names and the full names they stand for. */
  public static final Map<String, String> ALIASES = Map.of("BUSBAR_ROLES", "BUSBAR_NODE_ROLES");

  private ConfigOverrides() {
  }

  /** Returns a copy of {@code tree} with {@code env} and then {@code sys} overrides applied. */
  public static JsonObject apply(JsonObject tree, Map<String, String> env, Map<String, String> sys) {
    JsonObject result = tree.copy();
    Map<String, String> named = new HashMap<>(env);
    ALIASES.forEach((alias, full) -> {
      if (env.containsKey(alias)) {
        named.putIfAbsent(full, env.get(alias));
      }
    });
    for (List<String> path : leafPaths(result)) {
      String value = named.get(envName(path));
      if (value != null) {
        put(result, path, value);
      }
    }
    sys.forEach((name, value) -> {
      if (name.startsWith(SYS_PREFIX) && name.length() > SYS_PREFIX.length()) {
        put(result, List.of(name.substring(SYS_PREFIX.length()).split("\\.")), value);
      }
    });
    return result;
  }

  /** The environment variable that overrides the key at {@code path}. */
  public static String envName(List<String> path) {
    StringBuilder name = new StringBuilder(ENV_PREFIX);
    for (int i = 0; i < path.size(); i++) {
      if (i > 0) {
        name.append('_');
      }
      name.append(path.get(i).replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').toUpperCase());
    }
    return name.toString();
  }

  private static List<List<String>> leafPaths(JsonObject tree) {
    List<List<String>> paths = new ArrayList<>();
    collect(tree, new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(JsonObject node, List<String> prefix, List<List<String>> out) {
    for (String key : node.fieldNames()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(key);
      Object value = node.getValue(key);
      if (value instanceof JsonObject child && !child.isEmpty()) {
        collect(child, path, out);
      }
      out.add(path);
    }
  }

  private static void put(JsonObject root, List<String> path, String raw) {
    JsonObject node = root;
    for (String segment : path.subList(0, path.size() - 1)) {
      Object child = node.getValue(segment);
      if (!(child instanceof JsonObject)) {
        child = new JsonObject();
        node.put(segment, child);
      }
      node = (JsonObject) child;
    }
    String leaf = path.get(path.size() - 1);
    node.put(leaf, coerce(node.getValue(leaf), raw));
  }

  /**
   * Converts the text of an override to the type of the value it replaces. Text that does not convert is kept as
   * it is, so that validation reports the key with the offending text.
   */
  static Object coerce(Object current, String raw) {
    String text = raw.trim();
    try {
      if (current instanceof JsonArray || current instanceof JsonObject) {
        Object parsed = Json.decodeValue(text);
        return current.getClass().isInstance(parsed) ? parsed : raw;
      }
      if (current instanceof Number) {
        return text.matches("-?\\d{1,18}") ? (Object) Long.parseLong(text) : raw;
      }
      if (current instanceof String) {
        return raw;
      }
      if (current == null && (text.startsWith("{") || text.startsWith("["))) {
        return Json.decodeValue(text);
      }
    } catch (DecodeException e) {
      return raw;
    }
    return raw;
  }
}
