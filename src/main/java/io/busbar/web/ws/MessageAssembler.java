package io.busbar.web.ws;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Joins the data frames of a WebSocket into whole messages, kept as the bytes they arrived as. Vert.x's own
 * {@code textMessageHandler} decodes each text message into a String, which the bridge would then parse; the bridge
 * parses JSON from bytes instead. Text and binary messages are treated alike; control frames are ignored (Vert.x
 * answers pings and handles the close itself).
 *
 * <p>A message longer than {@code maxBytes} is dropped as soon as it passes the limit, with the rest of its frames,
 * and reported to {@code tooBig}, as Vert.x does for its {@code maxWebSocketMessageSize}.
 */
final class MessageAssembler implements Handler<WebSocketFrame> {

  private final int maxBytes;
  private final Handler<Buffer> message;
  private final Runnable tooBig;
  /** The frames so far of a message that is not complete yet, or null. */
  private Buffer partial;
  /** The rest of a message that was too big is being skipped. */
  private boolean skipping;

  MessageAssembler(int maxBytes, Handler<Buffer> message, Runnable tooBig) {
    this.maxBytes = maxBytes;
    this.message = message;
    this.tooBig = tooBig;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      partial = null;
      skipping = false;
    } else if (!frame.isContinuation()) {
      return;
    } else if (skipping || partial == null) {
      // The rest of a dropped message (Netty rejects a continuation that starts nothing).
      skipping = skipping && !frame.isFinal();
      return;
    }
    Buffer data = frame.binaryData();
    int length = (partial == null ? 0 : partial.length()) + data.length();
    if (length > maxBytes) {
      partial = null;
      skipping = !frame.isFinal();
      tooBig.run();
      return;
    }
    if (!frame.isFinal()) {
      partial = (partial == null ? Buffer.buffer(Math.min(maxBytes, 2 * length)) : partial).appendBuffer(data);
      return;
    }
    Buffer whole = partial == null ? data : partial.appendBuffer(data);
    partial = null;
    message.handle(whole);
  }
}
