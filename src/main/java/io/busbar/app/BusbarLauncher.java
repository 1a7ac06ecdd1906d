package io.busbar.app;

import io.busbar.cluster.HazelcastSetup;
import io.busbar.config.BusbarConfig;
import io.busbar.config.ConfigException;
import io.busbar.config.ConfigLoader;
import io.busbar.metrics.NodeMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fat jar's entry point: the Vert.x launcher ({@code -cluster}, {@code -conf}, {@code -options} and the other
 * options work as Vert.x users expect) deploying {@link MainVerticle}. Before Vert.x starts it reads and validates
 * Busbar's configuration (a bad value stops it with a message naming the key), and builds the Vert.x instance with:
 * <ul>
 *   <li>Micrometer metrics with a Prometheus registry, bounded labels and the tag {@code node} on every meter,
 *       unless {@code -options} says otherwise;</li>
 *   <li>with {@code -cluster}, a Hazelcast cluster manager configured from {@code conf/cluster.xml} and
 *       {@code cluster.*} (see {@link HazelcastSetup}), and the event bus's host and ports from
 *       {@code cluster.eventBus}; the launcher's own {@code -cluster-host} and related options still win.</li>
 * </ul>
 */
public final class BusbarLauncher extends VertxApplication {

  private static final Logger LOG = LoggerFactory.getLogger(BusbarLauncher.class);
  private static final Set<String> CLUSTER_FLAGS = Set.of("-c", "-cluster", "--cluster");

  private BusbarLauncher(String[] args) {
    super(args, new Hooks(Arrays.stream(args).anyMatch(a -> CLUSTER_FLAGS.contains(a.toLowerCase()))));
  }

  public static void main(String[] args) {
    int code = new BusbarLauncher(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The launcher hooks: configuration, metrics, cluster manager and the main verticle. */
  static final class Hooks implements VertxApplicationHooks {

    private final boolean clustered;
    private JsonObject metricsOptions;
    private JsonObject cliConfig;

    Hooks(boolean clustered) {
      this.clustered = clustered;
    }

    @Override
    public JsonObject afterVertxOptionsParsed(JsonObject parsed) {
      // The launcher passes null when no -options were given.
      JsonObject options = parsed == null ? new JsonObject() : parsed;
      if (!options.containsKey("metricsOptions")) {
        options.put("metricsOptions", defaultMetricsOptions());
      }
      metricsOptions = options.getJsonObject("metricsOptions");
      return options;
    }

    @Override
    public JsonObject afterConfigParsed(JsonObject config) {
      cliConfig = config;
      return config;
    }

    @Override
    public VertxBuilder createVertxBuilder(VertxOptions options) {
      try {
        BusbarConfig config = BusbarConfig.from(ConfigLoader.loadNow(cliConfig));
        VertxBuilder builder = Vertx.builder().with(options);
        NodeMeterRegistry.create(metricsOptions, config.node().name())
            .ifPresent(registry -> builder.withMetrics(new MicrometerMetricsFactory(registry)));
        if (clustered) {
          var hazelcast = HazelcastSetup.hazelcastConfig(config.cluster());
          HazelcastSetup.applyTo(options.getEventBusOptions(), config.cluster(), hazelcast);
          builder.withClusterManager(new HazelcastClusterManager(hazelcast));
        }
        return builder;
      } catch (ConfigException e) {
        // The launcher reports no cause for a failure here: say it, so that the operator sees the key.
        LOG.error("Busbar cannot start: {}", e.getMessage());
        throw e;
      }
    }

    @Override
    public Supplier<? extends Deployable> verticleSupplier() {
      return MainVerticle::new;
    }
  }

  /**
   * Micrometer with Prometheus, JVM meters, and labels that stay bounded (no event-bus address, no path). The
   * event-bus meters carry no {@code side} (local/remote) label either: vertx-micrometer 5.0.10 looks each message's
   * meters up by their labels, and with {@code side} that lookup cost about a fifth of the CPU of a bridge request
   * (bench/README.md, gateway round trips).
   */
  public static JsonObject defaultMetricsOptions() {
    return new JsonObject().put("enabled", true).put("jvmMetricsEnabled", true)
        .put("labels", new JsonArray().add("HTTP_METHOD").add("HTTP_CODE").add("HTTP_ROUTE").add("POOL_TYPE")
            .add("POOL_NAME").add("EB_FAILURE"))
        .put("prometheusOptions", new JsonObject().put("enabled", true).put("publishQuantiles", false));
  }
}
