package io.busbar.web.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/** A SockJS session (WebSocket or one of the HTTP fallbacks) carrying bridge frames. */
final class SockJSChannel implements FrameChannel {

  private final SockJSSocket socket;

  SockJSChannel(SockJSSocket socket) {
    this.socket = socket;
  }

  @Override
  public String transport() {
    return "sockjs";
  }

  @Override
  public void write(Buffer frame) {
    try {
      socket.write(frame);
    } catch (IllegalStateException closed) {
      // The transport closed before SockJS ended the session: nobody is left to read the frame.
    }
  }

  @Override
  public boolean writeQueueFull() {
    try {
      return socket.writeQueueFull();
    } catch (IllegalStateException closed) {
      return false;   // closed: write() drops the frame
    }
  }

  @Override
  public void close(short status, String reason) {
    socket.close(status, reason);
  }

  /** SockJS gives no access to its transport; closing the session again is all there is. */
  @Override
  public void abort() {
    socket.close();
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(socket.remoteAddress());
  }
}
