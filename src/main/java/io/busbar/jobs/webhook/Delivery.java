package io.busbar.jobs.webhook;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.net.URI;
import java.util.UUID;

/**
 * One delivery's state. Only {@link WebhookSender} touches it, and only on the sender's context, so
 * nothing here is synchronized.
 */
final class Delivery {
  /** The URL exactly as the caller gave it. */
  final String url;
  /** {@code scheme://host[:port]}, the only part of the URL that is logged. */
  final String origin;
  final String event;
  /** The encoded JSON: signed and sent as is on every attempt. */
  final byte[] body;
  /** The {@code Busbar-Delivery} header value. */
  final String id;
  /** The context to complete {@link #promise} on; null when {@link WebhookSender#deliver} was called outside Vert.x. */
  final Context caller;
  final Promise<DeliveryResult> promise = Promise.promise();
  int attempts;
  int lastStatus = DeliveryResult.NO_STATUS;
  String lastError;
  /** {@link System#nanoTime()} at the first attempt, for the latency timer. */
  long startNanos;
  /** The pending timer: the current attempt's deadline, or the backoff before the next one. */
  long timerId = -1L;
  /** Whether the current attempt has an outcome (its response and its deadline race). */
  boolean settled;
  /** Whether the outcome has been reported; later callbacks are ignored. */
  boolean done;

  Delivery(String id, String url, URI uri, String event, byte[] body, Context caller) {
    this.id = id != null ? id : UUID.randomUUID().toString();
    this.url = url;
    this.origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    this.event = event;
    this.body = body;
    this.caller = caller;
  }
}
