package io.busbar.web.ws;

import io.vertx.core.buffer.Buffer;

/**
 * A connection that carries bridge frames, one JSON document per message: a raw WebSocket (text messages) or a
 * SockJS socket. Lets one {@link BridgeSession} serve both transports.
 */
public interface FrameChannel {

  /** The transport's name for metrics and logs: {@code websocket} or {@code sockjs}. */
  String transport();

  /** Writes one frame, a JSON document in UTF-8, as a text message. */
  void write(Buffer frame);

  /** True when the connection's write buffer is full: the client is not reading fast enough. */
  boolean writeQueueFull();

  /** Closes the connection with a WebSocket close status and reason. */
  void close(short status, String reason);

  /**
   * Drops the connection at once, without the closing handshake: for a client that was sent a close frame and does
   * not read it.
   */
  void abort();

  /** The client's address, for logs. */
  String remoteAddress();
}
