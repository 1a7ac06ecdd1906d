package io.busbar.web.ws;

import io.netty.channel.Channel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;

/** A raw WebSocket carrying bridge frames as text messages, so browsers can {@code JSON.parse(event.data)}. */
final class WebSocketChannel implements FrameChannel {

  private final ServerWebSocket ws;
  private final HttpConnection connection;
  private final int maxFrameBytes;

  /**
   * {@code connection}: the HTTP connection the socket was upgraded from, which owns the TCP connection;
   * {@code maxFrameBytes}: the largest frame written whole (the server's {@code maxWebSocketFrameSize}), larger
   * messages are split into frames of that size.
   */
  WebSocketChannel(ServerWebSocket ws, HttpConnection connection, int maxFrameBytes) {
    this.ws = ws;
    this.connection = connection;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public String transport() {
    return "websocket";
  }

  @Override
  public void write(Buffer frame) {
    if (ws.isClosed()) {   // the close handler, which ends the session, may not have run yet
      return;
    }
    if (frame.length() <= maxFrameBytes) {
      // A text frame straight from the encoded bytes. Vert.x 5.0.10's public calls write text from a String only,
      // which would decode the bytes for Vert.x to encode them again.
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) frame).getByteBuf(), true));
    } else {
      ws.writeTextMessage(frame.toString());
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

  /**
   * Closes the TCP connection itself. Vert.x 5.0.10 has no public call for that once a close frame is queued: its
   * connections close gracefully, after their queued writes, which never drain while the client does not read (the
   * closing handshake's timer starts only once the close frame is written). So the Netty channel under Vert.x's
   * connection is closed below Vert.x's handlers, on the channel's event loop, dropping what is queued for it.
   */
  @Override
  public void abort() {
    if (connection instanceof ConnectionBase base) {
      Channel channel = base.channel();
      channel.eventLoop().execute(() -> channel.unsafe().close(channel.voidPromise()));
    } else {
      connection.close();
    }
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(ws.remoteAddress());
  }
}
