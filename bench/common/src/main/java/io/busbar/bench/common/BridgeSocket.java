package io.busbar.bench.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.function.Consumer;

/**
 * A raw WebSocket to the event-bus bridge, {@code ws://127.0.0.1:<port>/eventbus/websocket}: one JSON bridge frame
 * per WebSocket message (text or binary inbound, text outbound), with an optional {@code ping} frame at a fixed
 * interval so the server does not close it as idle.
 *
 * <p>Every callback runs on the socket's event-loop context, the one passed to {@link #connect}; call the other
 * methods from that context too.
 */
public final class BridgeSocket {

  /** The bridge's keep-alive frame. */
  public static final String PING_FRAME = "{\"type\":\"ping\"}";
  /** The path of the raw WebSocket endpoint. */
  public static final String PATH = "/eventbus/websocket";

  private final Context context;
  private final WebSocket ws;
  private long pingTimer = -1;
  private boolean closing;
  private Consumer<BridgeSocket> onUnexpectedClose = s -> { };

  private BridgeSocket(Context context, WebSocket ws) {
    this.context = context;
    this.ws = ws;
  }

  /**
   * Opens a socket from {@code context} and hands it every frame as text.
   *
   * @param pingIntervalMs how often to send {@code ping}; 0 for never
   */
  public static Future<BridgeSocket> connect(WebSocketClient client, Context context, int port,
      Consumer<String> onFrame, long pingIntervalMs) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(PATH);
    Promise<BridgeSocket> opened = Promise.promise();
    context.runOnContext(v -> client.connect(options).map(ws -> {
      BridgeSocket socket = new BridgeSocket(context, ws);
      ws.textMessageHandler(onFrame::accept);
      ws.binaryMessageHandler(data -> onFrame.accept(data.toString()));
      ws.closeHandler(x -> socket.onClosed());
      if (pingIntervalMs > 0) {
        socket.pingTimer = context.owner().setPeriodic(pingIntervalMs, t -> socket.send(PING_FRAME));
      }
      return socket;
    }).onComplete(opened));
    return opened.future();
  }

  /** Called once when the server (or the network) closes the socket before {@link #close()} was called. */
  public BridgeSocket onUnexpectedClose(Consumer<BridgeSocket> handler) {
    onUnexpectedClose = handler;
    return this;
  }

  /** Sends one frame as a text message; a frame for a closed socket is dropped. */
  public Future<Void> send(String frame) {
    if (ws.isClosed()) {
      return Future.failedFuture("socket closed");
    }
    return ws.writeTextMessage(frame);
  }

  /** Sends {@code {"type":"register","address":...}}. */
  public Future<Void> register(String address) {
    return send("{\"type\":\"register\",\"address\":\"" + address + "\"}");
  }

  /**
   * Stops reading: frames queue in the client until its small buffer fills, then it stops reading the TCP stream,
   * so the server's writes back up as they would for a client that does not read.
   */
  public void pause() {
    ws.pause();
  }

  /** True when the client's last write could not be flushed yet (the server does not read). */
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  public boolean isClosed() {
    return ws.isClosed();
  }

  /** The close status the server sent, or null. */
  public Short closeStatus() {
    return ws.closeStatusCode();
  }

  /** The close reason the server sent, or null. */
  public String closeReason() {
    return ws.closeReason();
  }

  public Context context() {
    return context;
  }

  /** Closes the socket (bounded by the client's closing timeout); never fails. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closing = true;
      cancelPing();
      ws.close().recover(e -> Future.succeededFuture()).onComplete(done);
    });
    return done.future();
  }

  private void onClosed() {
    cancelPing();
    if (!closing) {
      closing = true;
      onUnexpectedClose.accept(this);
    }
  }

  private void cancelPing() {
    if (pingTimer >= 0) {
      context.owner().cancelTimer(pingTimer);
      pingTimer = -1;
    }
  }
}
