package io.busbar.bench.hardening;

import io.busbar.bench.BareBridge;
import io.busbar.bench.common.BenchArgs;
import io.busbar.bench.common.ServerProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load, slow-consumer and soak runs of issue 7, against the Busbar fat jar in its own JVM on 127.0.0.1:
 * {@code connections} ({@link ConnectionsBench}), {@code slow} ({@link SlowConsumerBench}) and {@code soak}
 * ({@link SoakBench}). Each writes {@code bench/results/hardening-<bench>-<UTC time>.json} (and
 * {@code hardening-<bench>-latest.json}) with the machine's state, the settings and its pass/fail criteria.
 *
 * <p>Settings are {@code key=value} arguments or {@code -Dbench.<key>} properties; {@code quick=true} shortens every
 * bench to validate the script (the soak to about a minute). Exit code 0 when every criterion is met, 1 when one is
 * missed or a run failed, 2 on a bad setting.
 */
public final class HardeningBench {

  /** Bridge permissions of the Busbar under test: the defaults the benches use plus {@code bench.*} both ways. */
  static final String INBOUND = "[{\"address\":\"demo.echo\"},"
      + "{\"addressRegex\":\"jobs\\\\.(submit|get|cancel|retry|list|batch|queues)\"},"
      + "{\"addressRegex\":\"bench\\\\.[a-z0-9.-]+\"}]";
  static final String OUTBOUND = "[{\"addressRegex\":\"jobs\\\\.(events|batches|inbox)\\\\.[A-Za-z0-9_-]{1,64}\"},"
      + "{\"addressRegex\":\"bench\\\\.[a-z0-9.-]+\"}]";

  private HardeningBench() {
  }

  /**
   * Settings every bench shares.
   *
   * @param busbarDir the Busbar checkout, working directory of the server (it reads {@code conf/}, {@code verticles/})
   * @param jar the fat jar (copied before it runs)
   * @param resultsDir where the JSON goes
   * @param logsDir server logs and the jar copy
   * @param readyTimeout how long a server may take to answer {@code /ready}
   * @param quick shortened runs, to validate the script
   */
  record Common(Path busbarDir, Path jar, Path resultsDir, Path logsDir, Duration readyTimeout, boolean quick) {
  }

  /** A benchmark's JSON and its criteria. */
  record Outcome(JsonObject json, List<Report.Criterion> criteria) {
  }

  public static void main(String[] args) {
    int exit;
    try {
      exit = run(args);
    } catch (BenchArgs.BadSetting e) {
      System.err.println("hardening bench: " + e.getMessage());
      exit = 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("hardening bench: interrupted");
      exit = 1;
    } catch (Exception e) {
      System.err.println("hardening bench failed: " + e);
      e.printStackTrace(System.err);
      exit = 1;
    }
    System.exit(exit);
  }

  private static int run(String[] args) throws Exception {
    boolean quick = false;
    for (String arg : args) {
      quick |= arg.equals("quick=true") || arg.equals("bench.quick=true");
    }
    BenchArgs settings = BenchArgs.parse(args, defaults(quick));
    Path busbarDir = settings.path("busbar.dir", Path.of("").toAbsolutePath());
    Common common = new Common(busbarDir, settings.path("busbar.jar", busbarDir), settings.path("results", busbarDir),
        settings.path("logs", busbarDir), Duration.ofSeconds(settings.whole("ready.timeout", 1, 3600)),
        settings.bool("quick"));
    List<String> benches = settings.list("benches");
    for (String bench : benches) {
      if (!List.of("connections", "slow", "soak").contains(bench)) {
        throw new BenchArgs.BadSetting("benches", "unknown bench \"" + bench + "\" (connections, slow, soak)");
      }
    }
    // Read every bench's settings first, so a bad one stops the run before anything starts.
    Map<String, Bench> toRun = new LinkedHashMap<>();
    for (String bench : benches) {
      toRun.put(bench, switch (bench) {
        case "connections" -> new ConnectionsBench(common, settings)::run;
        case "slow" -> new SlowConsumerBench(common, settings)::run;
        default -> new SoakBench(common, settings)::run;
      });
    }
    List<String> missed = new ArrayList<>();
    for (Map.Entry<String, Bench> bench : toRun.entrySet()) {
      Outcome outcome = bench.getValue().run();
      JsonObject json = outcome.json().put("quick", common.quick()).put("settingsGiven", new JsonObject(
          new LinkedHashMap<>(settings.used())));
      Path file = Report.write(common.resultsDir(), "hardening-" + bench.getKey(), json);
      System.out.println("JSON: " + file);
      outcome.criteria().stream().filter(c -> !c.met()).forEach(c -> missed.add(bench.getKey() + ": " + c.name()));
    }
    if (!missed.isEmpty()) {
      System.out.println();
      System.out.println("criteria missed:");
      missed.forEach(m -> System.out.println("  " + m));
      return 1;
    }
    return 0;
  }

  /** Every setting with its default; {@code quick} shortens the runs. */
  private static Map<String, String> defaults(boolean quick) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("benches", "connections,slow,soak");
    d.put("quick", Boolean.toString(quick));
    d.put("busbar.dir", "..");
    d.put("busbar.jar", "target/busbar.jar");
    d.put("results", "bench/results");
    d.put("logs", "bench/target/logs/hardening");
    d.put("ready.timeout", "90");
    d.put("client.loops", "4");
    d.put("conn.servers", "busbar,bare");
    d.put("conn.count", quick ? "1000" : "10000");
    d.put("conn.concurrency", "200");
    d.put("conn.fanout.messages", quick ? "40" : "120");
    d.put("conn.fanout.warmup", quick ? "10" : "20");
    d.put("conn.fanout.window", "4");
    d.put("conn.payload.bytes", "64");
    d.put("conn.ping", "5");
    d.put("conn.settle", quick ? "2" : "5");
    d.put("conn.jvm.flags", "-Xmx1g");
    SlowConsumerBench.defaults(d, quick);
    SoakBench.defaults(d, quick);
    return d;
  }

  /**
   * Starts {@code sut} ({@code busbar} or {@code bare}) with {@code jvmFlags} and waits until it is ready. Busbar
   * gets {@link #INBOUND}/{@link #OUTBOUND} and {@code env}; the bare bridge permits {@code bench.*} both ways.
   */
  static ServerUnderTest startServer(Common common, String sut, List<String> jvmFlags, Map<String, String> env)
      throws Exception {
    ServerProcess.Builder builder = switch (sut) {
      case "busbar" -> ServerProcess.busbar(common.busbarDir(), common.jar())
          .env("BUSBAR_BRIDGE_INBOUND", INBOUND).env("BUSBAR_BRIDGE_OUTBOUND", OUTBOUND).env(env);
      case "bare" -> ServerProcess.javaMain(BareBridge.class.getName(), "/eventbus/info", "{port}", "1",
          "bench\\..+");
      default -> throw new BenchArgs.BadSetting("servers", "busbar or bare, got \"" + sut + "\"");
    };
    ServerProcess process = builder.label(sut).logsDir(common.logsDir()).jvmFlags(jvmFlags).start();
    ServerUnderTest server = new ServerUnderTest(process, sut.equals("busbar"));
    try {
      process.awaitReady(common.readyTimeout());
      // Start the JMX agent now, so its threads and socket are in every baseline the benches take.
      server.probe().heapUsed();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  @FunctionalInterface
  private interface Bench {
    Outcome run() throws Exception;
  }
}
