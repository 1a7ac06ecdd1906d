package io.busbar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client of the bridge for tests: raw ({@code /eventbus/websocket}, one frame per message) or SockJS
 * over its WebSocket transport ({@code /eventbus/<server>/<session>/websocket}, frames inside SockJS's {@code a[...]}
 * arrays). It records every frame received and whether it came as a binary message, and waits for frames with a
 * deadline.
 */
public final class BridgeClient implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final WebSocket ws;
  private final boolean sockJS;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final Deque<JsonObject> stash = new ArrayDeque<>();
  private final AtomicInteger binaryFrames = new AtomicInteger();
  private final AtomicInteger syncs = new AtomicInteger();
  private volatile boolean closed;
  private volatile Short closeStatus;

  private BridgeClient(WebSocketClient client, WebSocket ws, boolean sockJS) {
    this.client = client;
    this.ws = ws;
    this.sockJS = sockJS;
    ws.textMessageHandler(text -> {
      if (sockJS) {
        onSockJSMessage(text);
      } else {
        frames.add(new JsonObject(text));
      }
    });
    ws.binaryMessageHandler(data -> {
      binaryFrames.incrementAndGet();
      frames.add(new JsonObject(data));
    });
    ws.closeHandler(v -> {
      if (closeStatus == null) {
        closeStatus = ws.closeStatusCode();
      }
      closed = true;
    });
  }

  /** Opens a raw bridge WebSocket ({@code /eventbus/websocket}). */
  public static BridgeClient connect(Vertx vertx, int port) {
    return open(vertx, port, "/eventbus/websocket", false);
  }

  /** Opens a SockJS session over SockJS's WebSocket transport, as the official JavaScript client does. */
  public static BridgeClient connectSockJS(Vertx vertx, int port) {
    String session = UUID.randomUUID().toString().replace("-", "");
    return open(vertx, port, "/eventbus/000/" + session + "/websocket", true);
  }

  /** Connects with the given client options (e.g. TLS) and handshake (e.g. a URI with an access token). */
  public static BridgeClient connect(Vertx vertx, WebSocketClientOptions clientOptions,
      WebSocketConnectOptions handshake) {
    return open(vertx, clientOptions, handshake, false);
  }

  /**
   * Opens a SockJS session over its WebSocket transport ({@code /eventbus/<server>/<session>/websocket}) and
   * collects every text message SockJS sends ({@code o}, {@code a[...]}, {@code c[...]}) into {@code messages}, from
   * the first one: the handler is set as the handshake completes, before any frame is read.
   */
  public static WebSocket connectSockJs(WebSocketClient client, WebSocketConnectOptions handshake,
      List<String> messages) {
    return Await.result(client.connect(handshake).andThen(ar -> {
      if (ar.succeeded()) {
        ar.result().textMessageHandler(messages::add);
      }
    }));
  }

  /** Connects with its own client options (e.g. a small receive buffer, so that a paused client backs up sooner). */
  public static BridgeClient connect(Vertx vertx, int port, WebSocketClientOptions options) {
    return connect(vertx, options, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket"));
  }

  private static BridgeClient open(Vertx vertx, int port, String uri, boolean sockJS) {
    return open(vertx, new WebSocketClientOptions(), new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(uri), sockJS);
  }

  private static BridgeClient open(Vertx vertx, WebSocketClientOptions clientOptions,
      WebSocketConnectOptions handshake, boolean sockJS) {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    try {
      return new BridgeClient(client, Await.result(client.connect(handshake)), sockJS);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** SockJS frames: {@code o} (open), {@code h} (heartbeat), {@code a[...]} (messages), {@code c[code,reason]}. */
  private void onSockJSMessage(String text) {
    if (text.startsWith("a")) {
      new JsonArray(text.substring(1)).forEach(message -> frames.add(new JsonObject((String) message)));
    } else if (text.startsWith("c")) {
      closeStatus = new JsonArray(text.substring(1)).getInteger(0).shortValue();
    }
  }

  /** Sends one frame as a text message. */
  public BridgeClient send(JsonObject frame) {
    return sendText(frame.encode());
  }

  /** Writes one frame without waiting; usable from an event-loop thread. */
  public void sendAsync(JsonObject frame) {
    ws.writeTextMessage(envelope(frame.encode()));
  }

  /** Sends {@code text} as one bridge frame (inside a SockJS message array when over SockJS). */
  public BridgeClient sendText(String text) {
    Await.result(ws.writeTextMessage(envelope(text)));
    return this;
  }

  /** Sends {@code data} as one binary WebSocket message, as it is (no SockJS envelope). */
  public BridgeClient sendBinary(Buffer data) {
    Await.result(ws.writeBinaryMessage(data));
    return this;
  }

  /** Writes {@code data} as one binary WebSocket message without waiting; the server may close first. */
  public void sendBinaryAsync(Buffer data) {
    ws.writeBinaryMessage(data);
  }

  /** Sends {@code text} as one text WebSocket message, as it is (no SockJS envelope). */
  public BridgeClient sendRaw(String text) {
    Await.result(ws.writeTextMessage(text));
    return this;
  }

  /** Writes {@code frames} in order, as they are: for a message split into fragments. */
  public BridgeClient sendFrames(WebSocketFrame... frames) {
    for (WebSocketFrame frame : frames) {
      Await.result(ws.writeFrame(frame));
    }
    return this;
  }

  private String envelope(String frame) {
    return sockJS ? new JsonArray().add(frame).encode() : frame;
  }

  /** The next frame, failing the test when none comes within the deadline. */
  public JsonObject next() {
    if (!stash.isEmpty()) {
      return stash.poll();
    }
    return receive();
  }

  private JsonObject receive() {
    try {
      JsonObject frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(frame).as("a frame within %s", WAIT).isNotNull();
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Sends a request to {@code address} and returns the frame that answers it; frames that arrive meanwhile for
   * other addresses are kept for {@link #next()}.
   */
  public JsonObject request(String address, Object body, String replyAddress) {
    send(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
        .put("body", body));
    List<JsonObject> others = new ArrayList<>();
    while (true) {
      JsonObject frame = stash.isEmpty() ? receive() : stash.poll();
      if (replyAddress.equals(frame.getString("address"))) {
        stash.addAll(others);
        return frame;
      }
      others.add(frame);
    }
  }

  /** Registers on {@code address} and waits until the registration is live (proved by a round trip). */
  public BridgeClient register(String address) {
    send(new JsonObject().put("type", "register").put("address", address));
    JsonObject echo = request("demo.echo", "sync", "sync-" + syncs.incrementAndGet());
    assertThat(echo.getString("type")).as("frame after register on %s", address).isEqualTo("rec");
    return this;
  }

  /** Stops reading from the socket, so that the server's writes back up as for a slow client. */
  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  /** Frames received as binary WebSocket messages (Busbar sends text only). */
  public int binaryFrames() {
    return binaryFrames.get();
  }

  public boolean isClosed() {
    return closed;
  }

  /** The WebSocket close status, or for SockJS the code of the session's close frame when one came first. */
  public Short closeStatus() {
    return closeStatus;
  }

  /** Frames received and not yet read. */
  public int pending() {
    return frames.size() + stash.size();
  }

  @Override
  public void close() {
    if (!closed) {
      Await.result(ws.close());
    }
    client.close();
  }
}
