package io.busbar.app;

import io.vertx.core.Deployable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import java.util.function.Supplier;

/**
 * The fat jar's entry point: the Vert.x launcher ({@code -cluster}, {@code -conf}, {@code -options} and the other
 * options work as Vert.x users expect) deploying {@link MainVerticle}. Unless {@code -options} says otherwise, it
 * turns on Micrometer metrics with a Prometheus registry and bounded labels, for {@code /metrics}.
 */
public final class BusbarLauncher extends VertxApplication {

  private BusbarLauncher(String[] args) {
    super(args, new Hooks());
  }

  public static void main(String[] args) {
    int code = new BusbarLauncher(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The launcher hooks: metrics defaults and the main verticle. */
  static final class Hooks implements VertxApplicationHooks {

    @Override
    public JsonObject afterVertxOptionsParsed(JsonObject parsed) {
      // The launcher passes null when no -options were given.
      JsonObject options = parsed == null ? new JsonObject() : parsed;
      if (!options.containsKey("metricsOptions")) {
        options.put("metricsOptions", defaultMetricsOptions());
      }
      return options;
    }

    @Override
    public Supplier<? extends Deployable> verticleSupplier() {
      return MainVerticle::new;
    }
  }

  /** Micrometer with Prometheus, JVM meters, and labels that stay bounded (no event-bus address, no path). */
  public static JsonObject defaultMetricsOptions() {
    return new JsonObject().put("enabled", true).put("jvmMetricsEnabled", true)
        .put("labels", new JsonArray().add("HTTP_METHOD").add("HTTP_CODE").add("HTTP_ROUTE").add("POOL_TYPE")
            .add("POOL_NAME").add("EB_SIDE").add("EB_FAILURE"))
        .put("prometheusOptions", new JsonObject().put("enabled", true).put("publishQuantiles", false));
  }
}
