package io.busbar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.function.Supplier;

/**
 * The cluster's meters, as this node sees them:
 * <ul>
 *   <li>{@code busbar_cluster_members}: members of the cluster (1 when not clustered);</li>
 *   <li>{@code busbar_cluster_stale_routes_removed_total}: event-bus registrations of departed nodes this node
 *       removed (routes Vert.x would otherwise keep sending to);</li>
 *   <li>{@code busbar_cluster_retries_total{failure}}: gateway requests tried again on another node after a
 *       {@code timeout} or {@code no_handlers} caused by a departed node.</li>
 * </ul>
 */
public final class ClusterMeters {

  private final MeterRegistry registry;
  private final Counter staleRoutes;

  private ClusterMeters(MeterRegistry registry) {
    this.registry = registry;
    this.staleRoutes = Counter.builder("busbar.cluster.stale.routes.removed")
        .description("Event-bus registrations of departed nodes removed").register(registry);
  }

  /** The meters of the node's default registry; they go nowhere when metrics are disabled. */
  public static ClusterMeters get() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return new ClusterMeters(registry == null ? new CompositeMeterRegistry() : registry);
  }

  /** Reports the member count read from {@code members} at each scrape. */
  public void members(Supplier<Number> members) {
    Gauge.builder("busbar.cluster.members", members).description("Members of the cluster").register(registry);
  }

  public void staleRoutesRemoved(int count) {
    staleRoutes.increment(count);
  }

  /** A gateway request tried again after {@code failure} ({@code timeout} or {@code no_handlers}). */
  public void retried(String failure) {
    registry.counter("busbar.cluster.retries", "failure", failure).increment();
  }
}
