package io.busbar.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The node's meter registry: Prometheus, with the tag {@code node=<node.name>} on every meter (Vert.x's, the JVM's
 * and Busbar's), so that the scrapes of several nodes can be told apart and summed. The tag must be set before the
 * first meter is registered, so the launcher creates this registry and hands it to Vert.x.
 */
public final class NodeMeterRegistry {

  /** The tag every meter of the node carries. */
  public static final String NODE_TAG = "node";

  private NodeMeterRegistry() {
  }

  /**
   * A Prometheus registry tagged with {@code node}, when {@code metricsOptions} (the launcher's
   * {@code metricsOptions} JSON) enable Micrometer with Prometheus; empty otherwise (metrics off, or another backend
   * the user chose).
   */
  public static Optional<PrometheusMeterRegistry> create(JsonObject metricsOptions, String node) {
    JsonObject prometheus = metricsOptions == null ? null : metricsOptions.getJsonObject("prometheusOptions");
    if (metricsOptions == null || !metricsOptions.getBoolean("enabled", false) || prometheus == null
        || !prometheus.getBoolean("enabled", false)) {
      return Optional.empty();
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(NODE_TAG, node);
    return Optional.of(registry);
  }
}
