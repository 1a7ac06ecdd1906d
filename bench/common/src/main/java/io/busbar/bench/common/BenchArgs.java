package io.busbar.bench.common;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of a driver run: {@code key=value} arguments, then {@code -Dbench.<key>} system properties, then the
 * defaults the driver declares. An unknown key or a malformed value stops the driver (exit code 2) with a message
 * that names the key. {@link #used()} lists every setting in effect, for the results file.
 */
public final class BenchArgs {

  /** A setting that is missing a valid value. */
  public static final class BadSetting extends RuntimeException {
    public BadSetting(String key, String message) {
      super(key + ": " + message);
    }
  }

  private final Map<String, String> given = new LinkedHashMap<>();
  private final Map<String, String> defaults;
  private final Map<String, String> used = new TreeMap<>();

  private BenchArgs(Map<String, String> defaults) {
    this.defaults = defaults;
  }

  /**
   * Parses the arguments against the driver's defaults, which also define the known keys.
   *
   * @param args {@code key=value} (a {@code bench.} prefix is accepted and dropped)
   * @param defaults every known key with its default value, in display order
   */
  public static BenchArgs parse(String[] args, Map<String, String> defaults) {
    BenchArgs parsed = new BenchArgs(defaults);
    Set<String> known = defaults.keySet();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench."))
        .forEach(k -> parsed.put(k.substring("bench.".length()), System.getProperty(k), known));
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new BadSetting(arg, "expected key=value (known keys: " + String.join(", ", known) + ")");
      }
      String key = arg.substring(0, eq);
      parsed.put(key.startsWith("bench.") ? key.substring("bench.".length()) : key, arg.substring(eq + 1), known);
    }
    return parsed;
  }

  private void put(String key, String value, Set<String> known) {
    if (!known.contains(key)) {
      throw new BadSetting(key, "unknown setting (known: " + String.join(", ", known) + ")");
    }
    given.put(key, value);
  }

  public String string(String key) {
    String value = given.getOrDefault(key, defaults.get(key));
    if (value == null) {
      throw new BadSetting(key, "no value and no default");
    }
    used.put(key, value);
    return value;
  }

  public double number(String key, double min, double max) {
    String raw = string(key);
    try {
      double value = Double.parseDouble(raw);
      if (!(value >= min && value <= max)) {
        throw new BadSetting(key, "must be from " + min + " to " + max + ", got " + raw);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new BadSetting(key, "must be a number, got \"" + raw + "\"");
    }
  }

  public int whole(String key, int min, int max) {
    double value = number(key, min, max);
    if (value != Math.rint(value)) {
      throw new BadSetting(key, "must be a whole number, got " + string(key));
    }
    return (int) value;
  }

  /** {@code true}/{@code yes}/{@code 1} or {@code false}/{@code no}/{@code 0}. */
  public boolean bool(String key) {
    String raw = string(key).trim();
    return switch (raw) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new BadSetting(key, "must be true or false, got \"" + raw + "\"");
    };
  }

  public List<String> list(String key) {
    String raw = string(key).trim();
    return raw.isEmpty() ? List.of() : Arrays.stream(raw.split(",")).map(String::trim).toList();
  }

  public List<Double> numbers(String key, double min, double max) {
    List<Double> out = new ArrayList<>();
    for (String item : list(key)) {
      try {
        double value = Double.parseDouble(item);
        if (!(value >= min && value <= max)) {
          throw new BadSetting(key, "each value must be from " + min + " to " + max + ", got " + item);
        }
        out.add(value);
      } catch (NumberFormatException e) {
        throw new BadSetting(key, "a comma-separated list of numbers, got \"" + item + "\"");
      }
    }
    if (out.isEmpty()) {
      throw new BadSetting(key, "at least one value");
    }
    return out;
  }

  public Path path(String key, Path base) {
    return base.resolve(string(key)).normalize();
  }

  /** Every setting read so far, with its value. */
  public Map<String, String> used() {
    return Map.copyOf(used);
  }
}
