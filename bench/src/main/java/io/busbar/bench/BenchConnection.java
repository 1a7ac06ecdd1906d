package io.busbar.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One raw WebSocket to {@code /eventbus/websocket}, driving closed-loop request/reply through the bridge.
 * All state is confined to the connection's event-loop context; the driver thread only calls the public
 * methods, which hop onto that context and return Futures.
 *
 * <p>Wire format (one JSON bridge frame per WebSocket message, TEXT or BINARY both accepted):
 * request {@code {"type":"send","address":"demo.echo","replyAddress":"c7-42","body":{"seq":42,"payload":"…"}}},
 * reply {@code {"type":"rec","address":"c7-42","body":{…same…}}}, failure {@code {"type":"err",…}}.
 */
final class BenchConnection {

  /** The bridge frame that keeps a raw socket from being closed as idle (bridge pingTimeout is 10 s). */
  private static final String PING_FRAME = "{\"type\":\"ping\"}";
  private static final long PING_INTERVAL_MS = 5_000;
  private static final long MAX_LATENCY_MICROS = 60_000_000;

  private final Context context;
  private final RunWindow window;
  private final String idPrefix;
  private final String payload;
  private final Histogram latencyMicros = new Histogram(MAX_LATENCY_MICROS, 3);
  private final Map<String, Long> pendingSentAt = new HashMap<>();

  private WebSocket socket;
  private long pingTimer = -1;
  private long nextSeq;
  private long measured;
  private long completed;
  private long errors;
  private long textFrames;
  private long binaryFrames;
  private String firstError;
  private boolean closing;
  private Promise<Void> drained;

  BenchConnection(Context context, RunWindow window, int index, String payload) {
    this.context = context;
    this.window = window;
    this.idPrefix = "c" + index + "-";
    this.payload = payload;
  }

  /** Connects to {@code ws://127.0.0.1:<port>/eventbus/websocket} from this connection's context. */
  Future<Void> open(WebSocketClient client, int port) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket");
    Promise<Void> opened = Promise.promise();
    context.runOnContext(v -> client.connect(options).map(this::attach).onComplete(opened));
    return opened.future();
  }

  /** Starts pinging and puts {@code inFlight} requests on the wire. */
  void start(int inFlight) {
    context.runOnContext(v -> {
      pingTimer = context.owner().setPeriodic(PING_INTERVAL_MS, id -> socket.writeTextMessage(PING_FRAME));
      for (int i = 0; i < inFlight; i++) {
        sendRequest();
      }
    });
  }

  /** Completes once no request is outstanding; call after {@link RunWindow#stop()}. */
  Future<Void> drained() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      drained = promise;
      completeDrainIfIdle();
    });
    return promise.future();
  }

  /** Closes the socket (bounded by the client's closing timeout) and returns what was seen. */
  Future<ConnectionStats> close() {
    Promise<ConnectionStats> promise = Promise.promise();
    context.runOnContext(v -> {
      closing = true;
      context.owner().cancelTimer(pingTimer);
      socket.close().recover(failure -> Future.succeededFuture()).map(done -> stats()).onComplete(promise);
    });
    return promise.future();
  }

  private Void attach(WebSocket webSocket) {
    socket = webSocket;
    socket.textMessageHandler(this::onTextMessage);
    socket.binaryMessageHandler(this::onBinaryMessage);
    socket.exceptionHandler(failure -> recordError("socket exception: " + failure));
    socket.closeHandler(v -> onClosed());
    return null;
  }

  private void sendRequest() {
    if (window.stopping() || closing) {
      completeDrainIfIdle();
      return;
    }
    long seq = nextSeq++;
    String replyAddress = idPrefix + seq;
    String frame = "{\"type\":\"send\",\"address\":\"" + BareBridge.ECHO_ADDRESS + "\",\"replyAddress\":\""
      + replyAddress + "\",\"body\":{\"seq\":" + seq + ",\"payload\":\"" + payload + "\"}}";
    pendingSentAt.put(replyAddress, System.nanoTime());
    socket.writeTextMessage(frame).onFailure(failure -> recordError("write failed: " + failure));
  }

  private void onTextMessage(String text) {
    textFrames++;
    onFrame(new JsonObject(text));
  }

  private void onBinaryMessage(Buffer data) {
    binaryFrames++;
    onFrame(new JsonObject(data));
  }

  private void onFrame(JsonObject frame) {
    long now = System.nanoTime();
    String type = frame.getString("type");
    String address = frame.getString("address");
    Long sentAt = address == null ? null : pendingSentAt.remove(address);
    if ("rec".equals(type) && sentAt != null) {
      onReply(frame, address, now - sentAt, now);
    } else if ("err".equals(type)) {
      recordError("err frame: " + frame.encode());
    } else if (!"pong".equals(type)) {
      recordError("unexpected frame: " + frame.encode());
    }
    if (sentAt != null) {
      sendRequest();
    }
  }

  private void onReply(JsonObject frame, String address, long latencyNanos, long now) {
    JsonObject body = frame.getJsonObject("body");
    long seq = Long.parseLong(address.substring(idPrefix.length()));
    if (body == null || body.getLong("seq", -1L) != seq || !payload.equals(body.getString("payload"))) {
      recordError("reply body is not the echo of request " + address + ": " + frame.encode());
      return;
    }
    completed++;
    if (window.measures(now)) {
      measured++;
      latencyMicros.recordValue(Math.min(latencyNanos / 1_000, MAX_LATENCY_MICROS));
    }
  }

  private void onClosed() {
    if (!closing) {
      recordError("socket closed by server: status " + socket.closeStatusCode() + " " + socket.closeReason());
      closing = true;
      context.owner().cancelTimer(pingTimer);
    }
    completeDrainIfIdle();
  }

  private void recordError(String description) {
    errors++;
    if (firstError == null) {
      firstError = description;
    }
  }

  private void completeDrainIfIdle() {
    if (drained != null && (pendingSentAt.isEmpty() || socket.isClosed())) {
      drained.tryComplete();
    }
  }

  private ConnectionStats stats() {
    long unanswered = pendingSentAt.size();
    return new ConnectionStats(latencyMicros, measured, completed, errors + unanswered, unanswered,
      textFrames, binaryFrames, firstError);
  }
}
