package io.busbar.jobs.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a finished job's final state to its webhook URL, signed, with retries.
 *
 * <p><b>Request.</b> The body is the JSON encoded once; the same bytes are signed and sent on
 * every attempt. Headers: see {@link WebhookSignature} ({@code Busbar-Signature} is renewed on each
 * attempt, {@code Busbar-Delivery} stays the same). Redirects are not followed and the response
 * body is discarded.
 *
 * <p><b>Retries.</b> Any 2xx is delivered. Connection errors, timeouts ({@code timeoutMs} per
 * attempt), 408, 429 and 5xx are retried up to {@code maxAttempts} attempts in all, with full-jitter
 * exponential backoff, or the receiver's {@code Retry-After} on 429/503 capped at
 * {@code maxBackoffMs}. Any other status gives up at once. See {@link RetryPolicy}.
 *
 * <p><b>Limits.</b> At most {@code maxInFlight} deliveries are active at once (backoff waits
 * included); later ones wait in a FIFO queue of {@code maxQueued}. When it is full, the oldest
 * waiting delivery is dropped (its Future completes with {@code attempts=0}).
 *
 * <p><b>Threading.</b> Everything is non-blocking and {@link #deliver} may be called from any
 * thread, event loops included. All state lives on the context that was current when the sender
 * was created (a new event-loop context when created outside Vert.x); results are completed on
 * the caller's context. Create the sender in the verticle that owns it and {@link #close} it in
 * that verticle's {@code stop()}. Logs never contain the secret, the signature or the URL's path
 * and query (only {@code scheme://host:port}).
 *
 * <p><b>Meters.</b> See {@link WebhookMeters}: {@code busbar.webhooks.deliveries{outcome}},
 * {@code busbar.webhooks.attempts}, {@code busbar.webhooks.latency{outcome}}.
 */
public final class WebhookSender {

  /** The {@code lastError} of a delivery cut short because the sender closed (see {@link #close}). */
  public static final String CLOSED = "sender closed";

  /** The {@code User-Agent} of every request. */
  public static final String USER_AGENT = "busbar";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  private static final String URL_ERROR = "webhook: must be an http or https URL";
  private static final Pattern EVENT = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private final Vertx vertx;
  private final WebhookOptions options;
  private final WebhookMeters meters;
  private final WebClient client;
  // the queue, the active set, `closed` and every Delivery are only touched on this context
  private final Context context;
  private final Deque<Delivery> queue = new ArrayDeque<>();
  private final Set<Delivery> active = new HashSet<>();
  private boolean closed;

  /**
   * Creates a sender and its HTTP client. Logs a warning if the options have no secret.
   *
   * @param vertx the Vert.x instance
   * @param options validated options
   * @param registry where the meters go; a {@code CompositeMeterRegistry} without children
   *     discards them
   */
  public WebhookSender(Vertx vertx, WebhookOptions options, MeterRegistry registry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = Objects.requireNonNull(options, "options");
    this.meters = new WebhookMeters(Objects.requireNonNull(registry, "registry"));
    this.context = vertx.getOrCreateContext();
    WebClientOptions clientOptions = new WebClientOptions().setUserAgent(USER_AGENT)
        .setFollowRedirects(false).setConnectTimeout((int) Math.min(options.timeoutMs(), Integer.MAX_VALUE));
    // one connection per active delivery to the same receiver, so no attempt waits in the pool
    this.client = WebClient.create(vertx, clientOptions, new PoolOptions().setHttp1MaxSize(options.maxInFlight()));
    if (!options.signed()) {
      LOG.warn("webhooks: no secret configured, deliveries are sent unsigned (no {} header)",
          WebhookSignature.SIGNATURE_HEADER);
    }
  }

  /**
   * Checks that a webhook URL is an absolute http or https URL with a host.
   *
   * @param url the URL
   * @return the parsed URL
   * @throws IllegalArgumentException {@code "webhook: must be an http or https URL"} otherwise
   */
  public static URI validateUrl(String url) {
    URI uri;
    try {
      uri = url == null ? null : new URI(url);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
        || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(URL_ERROR);
    }
    return uri;
  }

  /**
   * Delivers one event. Never fails the Future because the receiver failed: a delivery that was
   * not accepted completes with {@code delivered=false}.
   *
   * @param url the receiver, an http or https URL
   * @param event the {@code Busbar-Event} value, 1 to 100 of {@code [A-Za-z0-9._-]}, e.g.
   *     {@code job.succeeded}
   * @param body the payload; encoded at once, later changes to it are not sent
   * @return the outcome, completed on the caller's context; a failed Future with an
   *     {@link IllegalArgumentException} only for an invalid argument
   */
  public Future<DeliveryResult> deliver(String url, String event, JsonObject body) {
    return deliver(null, url, event, body);
  }

  /**
   * As {@link #deliver(String, String, JsonObject)}, with the {@code Busbar-Delivery} id given (null: a random one),
   * so that a delivery sent again after a restart carries the id its receiver may have seen.
   */
  public Future<DeliveryResult> deliver(String deliveryId, String url, String event, JsonObject body) {
    URI uri;
    try {
      uri = validateUrl(url);
      if (event == null || !EVENT.matcher(event).matches()) {
        throw new IllegalArgumentException("webhook: event must be 1 to 100 of [A-Za-z0-9._-]");
      }
      if (body == null) {
        throw new IllegalArgumentException("webhook: body must not be null");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Delivery d = new Delivery(deliveryId, url, uri, event, body.toBuffer().getBytes(), Vertx.currentContext());
    context.runOnContext(v -> submit(d));
    return d.promise.future();
  }

  /**
   * Stops the sender: waiting deliveries complete as dropped, active ones as failed with
   * {@code lastError} {@link #CLOSED}, and the HTTP client is closed. Later deliveries are dropped.
   * Call it before closing Vert.x.
   *
   * @return completes once done, on the caller's context
   */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    Context caller = Vertx.currentContext();
    context.runOnContext(v -> {
      closeNow();
      completeOn(caller, done, null);
    });
    return done.future();
  }

  private void closeNow() {
    if (closed) {
      return;
    }
    closed = true;
    List<Delivery> waiting = List.copyOf(queue);
    queue.clear();
    waiting.forEach(d -> drop(d, CLOSED));
    for (Delivery d : List.copyOf(active)) {
      vertx.cancelTimer(d.timerId);
      complete(d, DeliveryResult.failed(d.attempts, d.lastStatus, CLOSED, d.id));
    }
    client.close();
  }

  private void submit(Delivery d) {
    if (closed) {
      drop(d, CLOSED);
    } else if (active.size() < options.maxInFlight()) {
      start(d);
    } else {
      if (queue.size() >= options.maxQueued()) {
        drop(queue.pollFirst(), "dropped: queue full");
      }
      queue.addLast(d);
    }
  }

  private void start(Delivery d) {
    active.add(d);
    d.startNanos = System.nanoTime();
    attempt(d);
  }

  private void attempt(Delivery d) {
    if (d.done) {
      return;
    }
    int attempt = ++d.attempts;
    d.settled = false;
    meters.attempt();
    String timeout = "timeout after " + options.timeoutMs() + " ms";
    d.timerId = vertx.setTimer(options.timeoutMs(), id -> settle(d, attempt, null, timeout));
    try {
      request(d).sendBuffer(Buffer.buffer(d.body))
          .onComplete(ar -> settle(d, attempt, ar.result(), ar.failed() ? describe(ar.cause()) : null));
    } catch (RuntimeException e) {
      // deferred, so a failing pump cannot recurse through the whole queue
      context.runOnContext(v -> settle(d, attempt, null, describe(e)));
    }
  }

  private HttpRequest<Void> request(Delivery d) {
    HttpRequest<Void> request = client.postAbs(d.url).as(BodyCodec.none())
        .connectTimeout(options.timeoutMs()).idleTimeout(options.timeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader(WebhookSignature.DELIVERY_HEADER, d.id)
        .putHeader(WebhookSignature.EVENT_HEADER, d.event);
    if (options.signed()) {
      long now = System.currentTimeMillis() / 1000L;
      request.putHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(options.secret(), now, d.body));
    }
    return request;
  }

  /** One attempt's outcome: a response, or an error text. The deadline timer and the response race. */
  private void settle(Delivery d, int attempt, HttpResponse<Void> response, String error) {
    if (d.done || d.settled || attempt != d.attempts) {
      return;
    }
    d.settled = true;
    vertx.cancelTimer(d.timerId);
    int status = response == null ? DeliveryResult.NO_STATUS : response.statusCode();
    if (RetryPolicy.delivered(status)) {
      complete(d, DeliveryResult.ok(d.attempts, status, d.id));
      return;
    }
    d.lastStatus = status;
    d.lastError = response == null ? error : "HTTP " + status;
    boolean retryable = response == null || RetryPolicy.retryable(status);
    if (!retryable || d.attempts >= options.maxAttempts()) {
      complete(d, DeliveryResult.failed(d.attempts, status, d.lastError, d.id));
      return;
    }
    String retryAfter = response == null ? null : response.getHeader("Retry-After");
    long delay = RetryPolicy.delayMs(d.attempts, status, retryAfter, options, System.currentTimeMillis(),
        bound -> ThreadLocalRandom.current().nextLong(bound));
    LOG.debug("webhook {} delivery {} to {}: attempt {}/{} failed ({}), retrying in {} ms",
        d.event, d.id, d.origin, d.attempts, options.maxAttempts(), d.lastError, delay);
    d.timerId = vertx.setTimer(Math.max(1L, delay), id -> attempt(d));
  }

  private void complete(Delivery d, DeliveryResult result) {
    d.done = true;
    active.remove(d);
    long nanos = System.nanoTime() - d.startNanos;
    if (result.delivered()) {
      meters.delivered(nanos);
      LOG.debug("webhook {} delivery {} to {}: delivered (HTTP {}) after {} attempt(s)",
          d.event, d.id, d.origin, result.lastStatus(), result.attempts());
    } else {
      meters.failed(nanos);
      LOG.warn("webhook {} delivery {} to {}: failed after {} attempt(s): {}",
          d.event, d.id, d.origin, result.attempts(), result.lastError());
    }
    completeOn(d.caller, d.promise, result);
    while (!closed && active.size() < options.maxInFlight() && !queue.isEmpty()) {
      start(queue.pollFirst());
    }
  }

  private void drop(Delivery d, String reason) {
    d.done = true;
    meters.dropped();
    LOG.warn("webhook {} delivery {} to {}: {}", d.event, d.id, d.origin, reason);
    completeOn(d.caller, d.promise, DeliveryResult.failed(0, DeliveryResult.NO_STATUS, reason, d.id));
  }

  private String describe(Throwable cause) {
    if (cause instanceof TimeoutException) {
      // Vert.x's own message names the request path, which may hold a token
      return "timeout after " + options.timeoutMs() + " ms";
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return cause instanceof ConnectException ? "connection failed: " + message : message;
  }

  private static <T> void completeOn(Context caller, Promise<T> promise, T value) {
    if (caller == null) {
      promise.complete(value);
    } else {
      caller.runOnContext(v -> promise.complete(value));
    }
  }
}
