package io.busbar.metrics;

import io.busbar.web.errors.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own meters, shared by every gateway verticle instance of a node. Labels are bounded: transport
 * ({@code websocket}, {@code sockjs}, {@code sse}), frame type and error code, never an address or a client id.
 *
 * <ul>
 *   <li>{@code busbar_gateway_connections{transport}}: open connections;</li>
 *   <li>{@code busbar_gateway_subscriptions}: event-bus consumers held for clients (bridge registrations and SSE);</li>
 *   <li>{@code busbar_gateway_subjects}: authenticated subjects holding at least one bridge connection;</li>
 *   <li>{@code busbar_gateway_frames_total{type}}: frames received, by type;</li>
 *   <li>{@code busbar_gateway_errors_total{code}}: errors answered, by code;</li>
 *   <li>{@code busbar_gateway_dropped_total}: messages dropped because a client did not read fast enough.</li>
 * </ul>
 */
public final class GatewayMeters {

  private static final Map<MeterRegistry, GatewayMeters> BY_REGISTRY = new WeakHashMap<>();

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> connections = new ConcurrentHashMap<>();
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong subjects = new AtomicLong();
  private final Counter dropped;
  private final Map<String, Counter> frames = new ConcurrentHashMap<>();
  private final Map<ErrorCode, Counter> errors = new ConcurrentHashMap<>();

  private GatewayMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("busbar.gateway.subscriptions", subscriptions, AtomicLong::get)
        .description("Event-bus consumers held for gateway clients").register(registry);
    for (String transport : new String[] {"websocket", "sockjs", "sse"}) {
      AtomicLong count = new AtomicLong();
      connections.put(transport, count);
      Gauge.builder("busbar.gateway.connections", count, AtomicLong::get).tag("transport", transport)
          .description("Open gateway connections").register(registry);
    }
    Gauge.builder("busbar.gateway.subjects", subjects, AtomicLong::get)
        .description("Authenticated subjects holding bridge connections").register(registry);
    dropped = Counter.builder("busbar.gateway.dropped").description("Messages dropped for slow clients")
        .register(registry);
  }

  /** The meters of the node's default registry; meters go nowhere when metrics are disabled. */
  public static GatewayMeters get() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(registry == null ? new CompositeMeterRegistry() : registry, GatewayMeters::new);
    }
  }

  public void connectionOpened(String transport) {
    connections.get(transport).incrementAndGet();
  }

  /** Open bridge connections (WebSocket and SockJS) on this node. */
  public long bridgeConnections() {
    return connections.get("websocket").get() + connections.get("sockjs").get();
  }

  public void connectionClosed(String transport) {
    connections.get(transport).decrementAndGet();
  }

  public void subscribed() {
    subscriptions.incrementAndGet();
  }

  public void unsubscribed() {
    subscriptions.decrementAndGet();
  }

  /** A subject opened its first bridge connection on this node. */
  public void subjectConnected() {
    subjects.incrementAndGet();
  }

  /** A subject closed its last bridge connection on this node. */
  public void subjectDisconnected() {
    subjects.decrementAndGet();
  }

  /** Current consumers held for clients (also exported as a gauge). */
  public long subscriptions() {
    return subscriptions.get();
  }

  /** Counts an inbound frame; {@code type} is one of the protocol's few frame types. */
  public void frame(String type) {
    frames.computeIfAbsent(type, t -> registry.counter("busbar.gateway.frames", "type", t)).increment();
  }

  public void error(ErrorCode code) {
    errors.computeIfAbsent(code, c -> registry.counter("busbar.gateway.errors", "code", c.code())).increment();
  }

  public void dropped() {
    dropped.increment();
  }
}
