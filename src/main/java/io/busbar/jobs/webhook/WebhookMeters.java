package io.busbar.jobs.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The webhook meters. Labels are bounded ({@code outcome} only), never a URL or an event name.
 *
 * <ul>
 *   <li>{@code busbar.webhooks.deliveries{outcome=delivered|failed|dropped}}: deliveries by
 *       outcome; {@code dropped} means never attempted (queue full, or sender closed first);</li>
 *   <li>{@code busbar.webhooks.attempts}: HTTP requests made, retries included;</li>
 *   <li>{@code busbar.webhooks.latency{outcome=delivered|failed}}: time from the first attempt to
 *       the outcome, backoff waits included.</li>
 * </ul>
 */
final class WebhookMeters {

  static final String DELIVERIES = "busbar.webhooks.deliveries";
  static final String ATTEMPTS = "busbar.webhooks.attempts";
  static final String LATENCY = "busbar.webhooks.latency";
  static final String OUTCOME = "outcome";

  private final Counter delivered;
  private final Counter failed;
  private final Counter dropped;
  private final Counter attempts;
  private final Timer deliveredLatency;
  private final Timer failedLatency;

  WebhookMeters(MeterRegistry registry) {
    delivered = deliveries(registry, "delivered");
    failed = deliveries(registry, "failed");
    dropped = deliveries(registry, "dropped");
    attempts = Counter.builder(ATTEMPTS).description("Webhook HTTP requests, retries included")
        .register(registry);
    deliveredLatency = latency(registry, "delivered");
    failedLatency = latency(registry, "failed");
  }

  void attempt() {
    attempts.increment();
  }

  void delivered(long nanos) {
    delivered.increment();
    deliveredLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void failed(long nanos) {
    failed.increment();
    failedLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void dropped() {
    dropped.increment();
  }

  private static Counter deliveries(MeterRegistry registry, String outcome) {
    return Counter.builder(DELIVERIES).tag(OUTCOME, outcome).description("Webhook deliveries by outcome")
        .register(registry);
  }

  private static Timer latency(MeterRegistry registry, String outcome) {
    return Timer.builder(LATENCY).tag(OUTCOME, outcome)
        .description("Webhook delivery time from the first attempt to the outcome").register(registry);
  }
}
