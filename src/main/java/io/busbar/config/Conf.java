package io.busbar.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A typed, validating view of one JSON object of configuration at a known dotted path. Every getter names the full
 * key in the {@link ConfigException} it throws, so a bad value is reported as {@code http.port: must be an integer
 * from 0 to 65535, got "abc"}. A rejected value is quoted in the message unless its key holds a secret or may
 * contain one ({@link #SECRET_KEYS}, and every object or array on their path): then only its type is shown.
 */
public final class Conf {

  /**
   * Keys whose values are secrets, with array indexes left out ({@code auth.apiKeys[2].key} is
   * {@code auth.apiKeys.key}). Errors about them, or about a value that may contain them, never quote the value.
   */
  public static final List<String> SECRET_KEYS = List.of("auth.jwt.keys.secret", "auth.apiKeys.key",
      "jobs.webhook.secret", "http.tls.password");

  private final JsonObject json;
  private final String path;

  private Conf(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  /** A view of {@code json} whose keys are reported under {@code path} (empty for the root). */
  public static Conf of(JsonObject json, String path) {
    return new Conf(json == null ? new JsonObject() : json, path);
  }

  /** The full dotted key of {@code name} below this view. */
  public String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public JsonObject json() {
    return json;
  }

  public boolean has(String name) {
    return json.containsKey(name) && json.getValue(name) != null;
  }

  /** The object at {@code name}, or an empty one when absent. */
  public Conf section(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return new Conf(new JsonObject(), key(name));
    }
    if (!(value instanceof JsonObject)) {
      throw new ConfigException(key(name), "must be a JSON object, got " + shown(name, value));
    }
    return new Conf((JsonObject) value, key(name));
  }

  /** An integer in {@code [min, max]}, or {@code fallback} when absent. */
  public int intIn(String name, int fallback, int min, int max) {
    return (int) longIn(name, fallback, min, max);
  }

  /** A whole number in {@code [min, max]}, or {@code fallback} when absent. */
  public long longIn(String name, long fallback, long min, long max) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    Long parsed = null;
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      parsed = n.longValue();
    } else if (value instanceof String s) {
      try {
        parsed = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        parsed = null;
      }
    }
    if (parsed == null || parsed < min || parsed > max) {
      throw new ConfigException(key(name), "must be a whole number from " + min + " to " + max + ", got "
          + shown(name, value));
    }
    return parsed;
  }

  /** A non-blank string, or {@code fallback} when absent. */
  public String string(String name, String fallback) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ConfigException(key(name), "must be a non-empty string, got " + shown(name, value));
    }
    return s;
  }

  /** A string that may be empty ("not set"): {@code ""} when absent. */
  public String optionalString(String name) {
    return rawString(name).trim();
  }

  /**
   * A string kept as a {@link Secret}, exactly as given (not trimmed), so that it is never printed; absent or empty
   * gives {@link Secret#NONE}. A rejected value is hidden in the error when the key is one of {@link #SECRET_KEYS}.
   */
  public Secret secret(String name) {
    return Secret.of(rawString(name));
  }

  private String rawString(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw new ConfigException(key(name), "must be a string, got " + shown(name, value));
    }
    return s;
  }

  /** A boolean (JSON true/false, or the strings "true"/"false"), or {@code fallback} when absent. */
  public boolean bool(String name, boolean fallback) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if ("true".equals(value) || "false".equals(value)) {
      return Boolean.parseBoolean((String) value);
    }
    throw new ConfigException(key(name), "must be true or false, got " + shown(name, value));
  }

  /** The array at {@code name}, or an empty one when absent. */
  public JsonArray array(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray a)) {
      throw new ConfigException(key(name), "must be a JSON array, got " + shown(name, value));
    }
    return a;
  }

  /** Rejects keys other than {@code known}: a misspelt key must not be silently ignored. */
  public Conf onlyKeys(String... known) {
    Set<String> allowed = Set.of(known);
    for (String name : json.fieldNames()) {
      if (!allowed.contains(name)) {
        throw new ConfigException(key(name), "unknown key (known keys here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
    return this;
  }

  /** True when the value at the dotted {@code key} is a secret or may contain one (see {@link #SECRET_KEYS}). */
  public static boolean mayHoldSecret(String key) {
    String plain = key.replaceAll("\\[\\d+]", "");
    return plain.isEmpty() || SECRET_KEYS.stream().anyMatch(s -> s.equals(plain) || s.startsWith(plain + "."));
  }

  /** The rejected value at {@code name} as an error message shows it: quoted, or only its type for a secret. */
  private String shown(String name, Object value) {
    if (!mayHoldSecret(key(name))) {
      return describe(value);
    }
    String type = value instanceof String ? "a string" : value instanceof Number ? "a number"
        : value instanceof Boolean ? "a boolean" : value instanceof JsonObject ? "an object"
        : value instanceof JsonArray ? "an array" : "a value";
    return type + " (not shown: it may hold a secret)";
  }

  /** A short, quoted rendering of a rejected value for error messages. */
  public static String describe(Object value) {
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }
}
