package io.busbar.web.ws;

import io.vertx.core.http.ServerWebSocket;

/** A raw WebSocket carrying bridge frames as text messages, so browsers can {@code JSON.parse(event.data)}. */
final class WebSocketChannel implements FrameChannel {

  private final ServerWebSocket ws;

  WebSocketChannel(ServerWebSocket ws) {
    this.ws = ws;
  }

  @Override
  public String transport() {
    return "websocket";
  }

  @Override
  public void write(String frame) {
    if (!ws.isClosed()) {   // the close handler, which ends the session, may not have run yet
      ws.writeTextMessage(frame);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return !ws.isClosed() && ws.writeQueueFull();
  }

  @Override
  public void close(short status, String reason) {
    ws.close(status, reason);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(ws.remoteAddress());
  }
}
