package io.busbar.bench.sched;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One raw WebSocket to Busbar's event-bus bridge ({@code /eventbus/websocket}, one JSON frame per text message) that
 * submits {@code sleep} jobs to {@code jobs.submit} and receives their events on its own inbox
 * {@code jobs.inbox.<random id>}, given as every job's {@code notify}. Receipts (the {@code rec} answering a
 * {@code send}) and final jobs are kept by job key {@code <queue>/<tag>/<index>}; the key travels in the job's
 * payload ({@code idx}, {@code tag}), which the {@code sleep} handler ignores. Pings every 5 s keep the socket open.
 * {@link #submit} may be called from any thread.
 */
final class JobsSocket implements AutoCloseable {

  private static final Set<String> FINAL = Set.of("succeeded", "cancelled", "dead_lettered");
  private static final Set<String> FAILED = Set.of("failed", "timed_out");

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String inbox = "jobs.inbox.bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, String> keyByReplyAddress = new ConcurrentHashMap<>();
  private final Map<String, Long> sentAtMs = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> receipts = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> finals = new ConcurrentHashMap<>();
  private final List<String> errors = new ArrayList<>();
  private final AtomicLong errorCount = new AtomicLong();
  private WebSocket socket;
  private long pingTimer = -1;
  private volatile boolean closing;

  private JobsSocket(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(1 << 20));
  }

  /** Connects, registers on the inbox and checks the whole path with one {@code noop} job. */
  static JobsSocket open(Vertx vertx, int port, Duration timeout) throws Exception {
    JobsSocket jobs = new JobsSocket(vertx);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket");
    jobs.socket = jobs.client.connect(options).map(jobs::wire).toCompletionStage().toCompletableFuture()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    jobs.send(new JsonObject().put("type", "register").put("address", jobs.inbox));
    jobs.pingTimer = vertx.setPeriodic(5_000, t -> jobs.send(new JsonObject().put("type", "ping")));
    String probe = jobs.submit(new JsonObject().put("type", "noop").put("queue", "default"), "probe", 0);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!jobs.finals.containsKey(probe)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no final event for the probe job within " + timeout + " (errors: "
            + jobs.errors() + ")");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    jobs.finals.remove(probe);
    return jobs;
  }

  private WebSocket wire(WebSocket ws) {
    ws.textMessageHandler(this::onFrame);
    ws.exceptionHandler(e -> error("socket error: " + e));
    ws.closeHandler(v -> {
      if (!closing) {
        error("socket closed by the server");
      }
    });
    return ws;
  }

  /**
   * Submits a job and returns its key. {@code spec} gets the payload key fields and {@code notify}; its
   * {@code payload} (if any) is extended with {@code idx} and {@code tag}.
   */
  String submit(JsonObject spec, String tag, int index) {
    String queue = spec.getString("queue");
    String key = queue + "/" + tag + "/" + index;
    JsonObject payload = spec.getJsonObject("payload", new JsonObject()).copy().put("idx", index).put("tag", tag);
    JsonObject body = spec.copy().put("payload", payload).put("notify", inbox);
    String replyAddress = "r" + sequence.incrementAndGet();
    keyByReplyAddress.put(replyAddress, key);
    sentAtMs.put(key, System.currentTimeMillis());
    send(new JsonObject().put("type", "send").put("address", "jobs.submit").put("replyAddress", replyAddress)
        .put("body", body));
    return key;
  }

  private void send(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  private void onFrame(String text) {
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    String address = frame.getString("address");
    if ("rec".equals(type) && inbox.equals(address)) {
      onEvent(frame.getJsonObject("body"));
    } else if ("rec".equals(type) && address != null && keyByReplyAddress.containsKey(address)) {
      receipts.put(keyByReplyAddress.remove(address), frame.getJsonObject("body"));
    } else if (!"pong".equals(type)) {
      error("unexpected frame: " + abbreviate(text));
    }
  }

  private void onEvent(JsonObject event) {
    String name = event.getString("event");
    JsonObject job = event.getJsonObject("job");
    if (FINAL.contains(name) || FAILED.contains(name)) {
      JsonObject payload = job.getValue("payload") instanceof JsonObject p ? p : new JsonObject();
      String key = job.getString("queue") + "/" + payload.getString("tag", "probe") + "/"
          + payload.getInteger("idx", 0);
      if (!"succeeded".equals(name)) {
        error("job " + key + " ended " + name + ": " + job.getValue("error"));
      }
      if (FINAL.contains(name)) {
        finals.put(key, job);
      }
    }
  }

  private synchronized void error(String message) {
    errorCount.incrementAndGet();
    if (errors.size() < 20) {
      errors.add(message);
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  /** Waits until every key has its final job; false at the deadline. */
  boolean awaitFinal(Collection<String> keys, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (finals.keySet().containsAll(keys)) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return finals.keySet().containsAll(keys);
  }

  /** The final job JSON of a key, or null. */
  JsonObject finalJob(String key) {
    return finals.get(key);
  }

  /** The receipt of a key, or null. */
  JsonObject receipt(String key) {
    return receipts.get(key);
  }

  /** When the submit frame of a key was written, epoch ms. */
  long sentAtMs(String key) {
    return sentAtMs.getOrDefault(key, 0L);
  }

  long errorCount() {
    return errorCount.get();
  }

  synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  @Override
  public void close() {
    closing = true;
    vertx.cancelTimer(pingTimer);
    if (socket != null) {
      socket.close();
    }
    client.close();
  }
}
