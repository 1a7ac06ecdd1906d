package io.busbar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw WebSocket client of the bridge ({@code /eventbus/websocket}) for tests: it records every frame received
 * and whether it came as a text message, and waits for frames with a deadline.
 */
public final class BridgeClient implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final WebSocket ws;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final Deque<JsonObject> stash = new ArrayDeque<>();
  private final AtomicInteger binaryFrames = new AtomicInteger();
  private final AtomicInteger syncs = new AtomicInteger();
  private volatile boolean closed;
  private volatile Short closeStatus;

  private BridgeClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    ws.binaryMessageHandler(data -> {
      binaryFrames.incrementAndGet();
      frames.add(new JsonObject(data));
    });
    ws.closeHandler(v -> {
      closeStatus = ws.closeStatusCode();
      closed = true;
    });
  }

  public static BridgeClient connect(Vertx vertx, int port) {
    return connect(vertx, new WebSocketClientOptions(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(port).setURI("/eventbus/websocket"));
  }

  /** Connects with the given client options (e.g. TLS) and handshake (e.g. a URI with an access token). */
  public static BridgeClient connect(Vertx vertx, WebSocketClientOptions clientOptions,
      WebSocketConnectOptions handshake) {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    try {
      return new BridgeClient(client, Await.result(client.connect(handshake)));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
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

  /** Sends one frame as a text message. */
  public BridgeClient send(JsonObject frame) {
    return sendText(frame.encode());
  }

  /** Writes one frame without waiting; usable from an event-loop thread. */
  public void sendAsync(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public BridgeClient sendText(String text) {
    Await.result(ws.writeTextMessage(text));
    return this;
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
