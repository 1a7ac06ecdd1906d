package io.busbar.bench.hardening;

import io.busbar.bench.common.BridgeSocket;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The operations of the soak's mixed traffic, each a {@link LoadKind} on its own context. */
final class Kinds {

  static final String ECHO = "demo.echo";
  static final String TOPIC = "bench.soak";

  private Kinds() {
  }

  private static String frameType(String frame) {
    int at = frame.indexOf("\"type\":\"");
    if (at < 0) {
      return "";
    }
    int end = frame.indexOf('"', at + 8);
    return end < 0 ? "" : frame.substring(at + 8, end);
  }

  private static String field(String frame, String name) {
    String key = "\"" + name + "\":\"";
    int at = frame.indexOf(key);
    if (at < 0) {
      return null;
    }
    int end = frame.indexOf('"', at + key.length());
    return end < 0 ? null : frame.substring(at + key.length(), end);
  }

  private static String cut(String frame) {
    return frame.length() > 300 ? frame.substring(0, 300) : frame;
  }

  /** Request/reply to {@code demo.echo} over one bridge socket: {@code send} with a reply address, the echo back. */
  static final class Echo extends LoadKind {

    private final String prefix;
    private BridgeSocket socket;
    private long seq;

    Echo(Context context, int index, long timeoutMs) {
      super("request", context, timeoutMs);
      this.prefix = "e" + index + "-";
    }

    Echo open(WebSocketClient client, int port) throws Exception {
      socket = BridgeSocket.connect(client, context, port, this::onFrame, 5_000).await(30, TimeUnit.SECONDS)
          .onUnexpectedClose(s -> error("socket closed by the server: " + s.closeStatus() + " " + s.closeReason()));
      return this;
    }

    @Override
    void fire() {
      String key = prefix + seq++;
      begin(key);
      socket.send("{\"type\":\"send\",\"address\":\"" + ECHO + "\",\"replyAddress\":\"" + key
          + "\",\"body\":{\"seq\":" + seq + "}}");
    }

    private void onFrame(String frame) {
      String address = field(frame, "address");
      String type = frameType(frame);
      if (type.equals("rec") && address != null) {
        succeed(address);
      } else if (type.equals("err") && address != null && isPending(address)) {
        fail(address, cut(frame));
      } else {
        error("unexpected frame: " + cut(frame));
      }
    }

    BridgeSocket socket() {
      return socket;
    }
  }

  /**
   * Publish to {@link #TOPIC} through one socket, complete when every one of the subscriber sockets (same context)
   * has received it.
   */
  static final class Publish extends LoadKind {

    private final Map<String, Integer> remaining = new HashMap<>();
    private final int subscribers;
    private BridgeSocket publisher;
    private final java.util.List<BridgeSocket> sockets = new java.util.ArrayList<>();
    private long seq;

    Publish(Context context, int subscribers, long timeoutMs) {
      super("publish", context, timeoutMs);
      this.subscribers = subscribers;
    }

    Publish open(WebSocketClient client, int port) throws Exception {
      for (int i = 0; i < subscribers; i++) {
        BridgeSocket s = BridgeSocket.connect(client, context, port, this::onFrame, 5_000)
            .compose(b -> b.register(TOPIC).map(b)).await(30, TimeUnit.SECONDS);
        sockets.add(s.onUnexpectedClose(x -> error("subscriber closed by the server: " + x.closeStatus())));
      }
      publisher = BridgeSocket.connect(client, context, port, f -> error("publisher got " + cut(f)), 5_000)
          .await(30, TimeUnit.SECONDS).onUnexpectedClose(x -> error("publisher closed by the server"));
      sockets.add(publisher);
      return this;
    }

    @Override
    void fire() {
      String key = "p" + seq++;
      begin(key);
      remaining.put(key, subscribers);
      publisher.send("{\"type\":\"publish\",\"address\":\"" + TOPIC + "\",\"body\":{\"k\":\"" + key + "\"}}");
    }

    private void onFrame(String frame) {
      String key = field(frame, "k");
      if (!frameType(frame).equals("rec") || key == null) {
        error("unexpected frame: " + cut(frame));
        return;
      }
      Integer left = remaining.get(key);
      if (left == null) {
        return;   // already timed out
      }
      if (left <= 1) {
        remaining.remove(key);
        succeed(key);
      } else {
        remaining.put(key, left - 1);
      }
    }

    java.util.List<BridgeSocket> sockets() {
      return sockets;
    }
  }

  /**
   * A no-op job submitted over HTTP ({@code POST /api/jobs}, 202 with its id) whose {@code succeeded} event comes
   * back on a bridge socket registered on the client's inbox. Finished jobs are kept {@code resultTtlMs} (10 s), so
   * the store stays at a steady size.
   */
  static final class Job extends LoadKind {

    private final String inbox = "jobs.inbox." + UUID.randomUUID();
    private final Map<String, Boolean> early = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > 100_000;
      }
    };
    private final String body;
    private HttpClientAgent http;
    private BridgeSocket socket;
    private long seq;

    Job(Context context, long timeoutMs) {
      super("job", context, timeoutMs);
      this.body = new JsonObject().put("type", "noop").put("queue", "default").put("payload", new JsonObject())
          .put("notify", inbox).put("resultTtlMs", 10_000).encode();
    }

    Job open(Client client, int port, int httpConnections) throws Exception {
      http = client.http(port, httpConnections);
      socket = BridgeSocket.connect(client.webSockets(), context, port, this::onFrame, 5_000)
          .compose(b -> b.register(inbox).map(b)).await(30, TimeUnit.SECONDS)
          .onUnexpectedClose(s -> error("inbox socket closed by the server: " + s.closeStatus()));
      return this;
    }

    @Override
    void fire() {
      String key = "h" + seq++;
      begin(key);
      http.request(HttpMethod.POST, "/api/jobs")
          .compose(req -> req.putHeader("content-type", "application/json").send(Buffer.buffer(body)))
          .compose(resp -> resp.body().map(b -> new Object[] {resp, b}))
          .onComplete(ar -> {
            if (ar.failed()) {
              fail(key, "submit failed: " + ar.cause());
              return;
            }
            HttpClientResponse resp = (HttpClientResponse) ar.result()[0];
            Buffer b = (Buffer) ar.result()[1];
            if (resp.statusCode() != 202) {
              fail(key, "submit answered " + resp.statusCode() + ": " + b);
              return;
            }
            String id = new JsonObject(b).getString("id");
            if (rekey(key, id) && early.remove(id) != null) {
              succeed(id);
            }
          });
    }

    private void onFrame(String frame) {
      String event = field(frame, "event");
      int jobAt = frame.indexOf("\"job\":");
      String id = jobAt < 0 ? null : field(frame.substring(jobAt), "id");
      if (!frameType(frame).equals("rec") || event == null || id == null) {
        error("unexpected frame: " + cut(frame));
        return;
      }
      switch (event) {
        case "succeeded" -> {
          if (isPending(id)) {
            succeed(id);
          } else {
            early.put(id, Boolean.TRUE);   // the event overtook the HTTP answer
          }
        }
        case "dead_lettered", "cancelled" -> fail(id, "job " + event);
        case "failed", "timed_out" -> {
          if (frame.contains("\"state\":\"" + event + "\"")) {
            fail(id, "job " + event);
          }
        }
        default -> { }   // queued, running, progress
      }
    }

    void close() throws Exception {
      socket.close().await(10, TimeUnit.SECONDS);
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Connection churn: a new socket that registers on {@link #TOPIC}, sends one echo request and closes once the reply
   * comes, so opening and closing is exercised all along the soak.
   */
  static final class Churn extends LoadKind {

    private final WebSocketClient client;
    private final int port;
    private long seq;

    Churn(Context context, WebSocketClient client, int port, long timeoutMs) {
      super("churn", context, timeoutMs);
      this.client = client;
      this.port = port;
    }

    @Override
    void fire() {
      String key = "c" + seq++;
      begin(key);
      BridgeSocket[] holder = new BridgeSocket[1];
      BridgeSocket.connect(client, context, port, frame -> {
        if (frameType(frame).equals("rec") && key.equals(field(frame, "address"))) {
          holder[0].close().onComplete(v -> succeed(key));
        } else if (frameType(frame).equals("err")) {
          holder[0].close();
          fail(key, cut(frame));
        }
      }, 0).onSuccess(s -> {
        holder[0] = s;
        s.register(TOPIC);
        s.send("{\"type\":\"send\",\"address\":\"" + ECHO + "\",\"replyAddress\":\"" + key + "\",\"body\":{}}");
      }).onFailure(e -> fail(key, "connect failed: " + e));
    }
  }
}
