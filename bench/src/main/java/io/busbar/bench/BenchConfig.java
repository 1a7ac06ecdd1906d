package io.busbar.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of {@link GatewayBench}. Each key is read from, in order of precedence: a {@code key=value}
 * program argument (the {@code bench.} prefix may be left out), the system property {@code bench.<key>},
 * then the default below. Durations are in seconds and may have decimals.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>bench.prime</td><td>5</td><td>unmeasured load per server: once at the start with the heaviest
 *   scenario, then before each scenario's measured runs with that scenario, so both JVMs have JIT-compiled
 *   the path before it is compared (0 = off)</td></tr>
 * <tr><td>bench.warmup</td><td>5</td><td>warm-up at the start of every run, not measured</td></tr>
 * <tr><td>bench.measure</td><td>10</td><td>measured window of every run</td></tr>
 * <tr><td>bench.rounds</td><td>2</td><td>measured runs per scenario and server (alternating servers)</td></tr>
 * <tr><td>bench.scenarios</td><td>1x1,1x100,100x10</td><td>{@link Scenario} list</td></tr>
 * <tr><td>bench.sut</td><td>busbar</td><td>{@code busbar}, or {@code bare} to run a second BareBridge
 *   in Busbar's place (proves the driver: the ratio should be about 1)</td></tr>
 * <tr><td>bench.busbar.dir</td><td>{@code ..}</td><td>Busbar checkout; working directory of the Busbar JVM</td></tr>
 * <tr><td>bench.busbar.jar</td><td>{@code <busbar.dir>/target/busbar.jar}</td><td>the fat jar</td></tr>
 * <tr><td>bench.results</td><td>{@code <busbar.dir>/bench/results}</td><td>where JSON results go</td></tr>
 * <tr><td>bench.logs</td><td>{@code <busbar.dir>/bench/target/logs}</td><td>stdout/stderr of the server JVMs</td></tr>
 * <tr><td>bench.jvm.flags</td><td>-Xms512m -Xmx512m</td><td>JVM flags of both servers (space-separated); a fixed
 *   heap, so that neither server runs with a heap that G1 shrank after start-up</td></tr>
 * <tr><td>bench.busbar.flags</td><td>(none)</td><td>extra JVM flags of the Busbar server only (space-separated),
 *   e.g. a {@code -XX:StartFlightRecording=...} to profile it</td></tr>
 * <tr><td>bench.busbar.metrics</td><td>true</td><td>{@code false} starts Busbar with
 *   {@code -options {"metricsOptions":{"enabled":false}}}, to split the metrics' cost from the gateway's</td></tr>
 * <tr><td>bench.bare.instances</td><td>1</td><td>BareBridge verticle instances (event loops serving HTTP)</td></tr>
 * <tr><td>bench.bare.echo</td><td>verticle</td><td>where the bare bridge's echo consumer runs: {@code verticle}, in a
 *   verticle of its own (its own event loop), as Busbar deploys {@code demo.echo}; or {@code bridge}, in the bridge's
 *   verticle, on the event loop that reads the socket (no hand-off between threads)</td></tr>
 * <tr><td>bench.payload.bytes</td><td>64</td><td>length of the {@code payload} string in each request</td></tr>
 * <tr><td>bench.ready.timeout</td><td>90</td><td>deadline for a server to become ready</td></tr>
 * <tr><td>bench.drain.timeout</td><td>5</td><td>after a run, how long to wait for outstanding replies</td></tr>
 * </table>
 */
public record BenchConfig(
  Duration prime,
  Duration warmup,
  Duration measure,
  int rounds,
  List<Scenario> scenarios,
  String sut,
  Path busbarDir,
  Path busbarJar,
  Path resultsDir,
  Path logsDir,
  List<String> jvmFlags,
  List<String> busbarFlags,
  boolean busbarMetrics,
  int bareInstances,
  String bareEcho,
  int payloadBytes,
  Duration readyTimeout,
  Duration drainTimeout) {

  /** {@code bench.sut} value that runs Busbar as the system under test. */
  public static final String SUT_BUSBAR = "busbar";
  /** {@code bench.sut} value that runs a second bare bridge in Busbar's place. */
  public static final String SUT_BARE = "bare";

  public BenchConfig {
    if (rounds < 1) {
      throw new IllegalArgumentException("bench.rounds must be >= 1, was " + rounds);
    }
    if (!SUT_BUSBAR.equals(sut) && !SUT_BARE.equals(sut)) {
      throw new IllegalArgumentException("bench.sut must be busbar or bare, was " + sut);
    }
    if (measure.isZero() || measure.isNegative()) {
      throw new IllegalArgumentException("bench.measure must be > 0");
    }
    if (prime.isNegative() || warmup.isNegative()) {
      throw new IllegalArgumentException("bench.prime and bench.warmup must be >= 0");
    }
    if (!BareBridge.ECHO_OWN_VERTICLE.equals(bareEcho) && !BareBridge.ECHO_IN_BRIDGE.equals(bareEcho)) {
      throw new IllegalArgumentException("bench.bare.echo must be verticle or bridge, was " + bareEcho);
    }
    if (bareInstances < 1 || payloadBytes < 0) {
      throw new IllegalArgumentException("bench.bare.instances must be >= 1 and bench.payload.bytes >= 0");
    }
  }

  /** Reads the settings from {@code key=value} arguments and system properties (see class doc). */
  public static BenchConfig from(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("argument '" + arg + "' is not key=value");
      }
      String key = arg.substring(0, eq).trim();
      given.put(key.startsWith("bench.") ? key : "bench." + key, arg.substring(eq + 1).trim());
    }
    Lookup lookup = new Lookup(given);
    Path busbarDir = Path.of(lookup.get("bench.busbar.dir", "..")).toAbsolutePath().normalize();
    return new BenchConfig(
      lookup.seconds("bench.prime", "5"),
      lookup.seconds("bench.warmup", "5"),
      lookup.seconds("bench.measure", "10"),
      lookup.integer("bench.rounds", "2"),
      Scenario.parseList(lookup.get("bench.scenarios", "1x1,1x100,100x10")),
      lookup.get("bench.sut", SUT_BUSBAR),
      busbarDir,
      Path.of(lookup.get("bench.busbar.jar", busbarDir.resolve("target/busbar.jar").toString())).toAbsolutePath(),
      Path.of(lookup.get("bench.results", busbarDir.resolve("bench/results").toString())).toAbsolutePath(),
      Path.of(lookup.get("bench.logs", busbarDir.resolve("bench/target/logs").toString())).toAbsolutePath(),
      List.of(lookup.get("bench.jvm.flags", "-Xms512m -Xmx512m").trim().split("\\s+")),
      words(lookup.get("bench.busbar.flags", "")),
      lookup.bool("bench.busbar.metrics", "true"),
      lookup.integer("bench.bare.instances", "1"),
      lookup.get("bench.bare.echo", BareBridge.ECHO_OWN_VERTICLE),
      lookup.integer("bench.payload.bytes", "64"),
      lookup.seconds("bench.ready.timeout", "90"),
      lookup.seconds("bench.drain.timeout", "5"));
  }

  /** Label of the system under test in tables and JSON. */
  public String sutLabel() {
    return SUT_BUSBAR.equals(sut) ? "busbar" : "bare-b";
  }

  private static List<String> words(String value) {
    return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  private record Lookup(Map<String, String> given) {

    boolean bool(String key, String fallback) {
      String value = get(key, fallback);
      if (!"true".equals(value) && !"false".equals(value)) {
        throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
      }
      return Boolean.parseBoolean(value);
    }

    String get(String key, String fallback) {
      String value = given.get(key);
      return value != null ? value : System.getProperty(key, fallback);
    }

    int integer(String key, String fallback) {
      String value = get(key, fallback);
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'", e);
      }
    }

    Duration seconds(String key, String fallback) {
      String value = get(key, fallback);
      try {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a number of seconds, was '" + value + "'", e);
      }
    }
  }
}
