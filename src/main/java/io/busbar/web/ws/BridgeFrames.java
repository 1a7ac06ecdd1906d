package io.busbar.web.ws;

import io.busbar.web.errors.Failure;
import io.busbar.web.Bodies;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Server-to-client frames of the Vert.x event-bus bridge protocol, as the official
 * {@code @vertx/eventbus-bridge-client.js} expects them:
 * <ul>
 *   <li>{@code {"type":"rec","address","body"[,"headers"][,"replyAddress"]}}: a message or a reply;</li>
 *   <li>{@code {"type":"err","address","failureCode","failureType","message"}}: a failed request, addressed to the
 *       client's reply address;</li>
 *   <li>{@code {"type":"err","body":"<code>","message"}}: a refused frame (the {@code message} is Busbar's
 *       addition; clients that do not know it ignore it); see {@link #refused}.</li>
 * </ul>
 * Frames are encoded straight to UTF-8 bytes, which is what the transports send.
 */
final class BridgeFrames {

  private BridgeFrames() {
  }

  static Buffer rec(String address, Object body, MultiMap headers, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", "rec").put("address", address).put("body", Bodies.toJson(body));
    JsonObject h = Bodies.clientHeaders(headers);
    if (h != null) {
      frame.put("headers", h);
    }
    if (replyAddress != null) {
      frame.put("replyAddress", replyAddress);
    }
    return encode(frame);
  }

  static Buffer requestFailed(String replyAddress, ReplyException failure) {
    return encode(new JsonObject().put("type", "err").put("address", replyAddress)
        .put("failureCode", failure.failureCode()).put("failureType", failure.failureType().name())
        .put("message", failure.getMessage()));
  }

  /**
   * A refused frame. When the frame was a request with a usable reply address, the error is also addressed to it
   * (with {@code failureCode} the HTTP status and {@code failureType} the code), so that the client's reply
   * callback receives it instead of waiting forever.
   */
  static Buffer refused(Failure failure, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", "err").put("body", failure.code().code())
        .put("message", failure.message());
    if (replyAddress != null) {
      frame.put("address", replyAddress).put("failureCode", failure.status()).put("failureType", failure.code().code());
    }
    return encode(frame);
  }

  private static Buffer encode(JsonObject frame) {
    return Json.CODEC.toBuffer(frame, false);
  }
}
