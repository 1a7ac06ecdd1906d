package io.busbar.web.errors;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The one mapping from a failure (an event-bus {@link ReplyException}, a {@link GatewayException}, or anything
 * else) to what HTTP and bridge clients are told.
 *
 * <ul>
 *   <li>NO_HANDLERS → 404 {@code no_handlers}; TIMEOUT → 504 {@code timeout}; ERROR → 502 {@code bus_error};</li>
 *   <li>RECIPIENT_FAILURE with a code from 400 to 599 → that status, other codes → 500; the error is named after
 *       the code ({@link ErrorCode#ofRecipientCode}) and the recipient's code and message are passed on;</li>
 *   <li>a {@link GatewayException} → its code's status; anything else → 500 {@code internal_error}, with a generic
 *       message (the cause is logged, not shown).</li>
 * </ul>
 *
 * @param status the HTTP status
 * @param code the error code
 * @param message a human-readable message
 * @param reply for event-bus failures, the failure type and code to put in a bridge {@code err} reply frame
 */
public record Failure(int status, ErrorCode code, String message, ReplyException reply) {

  /** Maps {@code error} to a client-facing failure. */
  public static Failure of(Throwable error) {
    if (error instanceof GatewayException g) {
      return new Failure(g.code().status(), g.code(), g.getMessage(), null);
    }
    if (error instanceof ReplyException r) {
      return switch (r.failureType()) {
        case NO_HANDLERS -> new Failure(404, ErrorCode.NO_HANDLERS, r.getMessage(), r);
        case TIMEOUT -> new Failure(504, ErrorCode.TIMEOUT, r.getMessage(), r);
        case RECIPIENT_FAILURE -> new Failure(statusOf(r.failureCode()), ErrorCode.ofRecipientCode(r.failureCode()),
            r.getMessage() == null ? "the recipient failed" : r.getMessage(), r);
        case ERROR -> new Failure(502, ErrorCode.BUS_ERROR, r.getMessage(), r);
      };
    }
    return new Failure(500, ErrorCode.INTERNAL_ERROR, "internal error", null);
  }

  /** The HTTP status for a recipient's failure code. */
  public static int statusOf(int failureCode) {
    return failureCode >= 400 && failureCode <= 599 ? failureCode : 500;
  }

  /** True when the failure is Busbar's own fault and worth logging with its cause. */
  public boolean isInternal() {
    return code == ErrorCode.INTERNAL_ERROR;
  }

  /** The JSON body of an HTTP error response: {@code {"error", "message"[, "failureCode"]}}. */
  public JsonObject toHttpBody() {
    JsonObject body = new JsonObject().put("error", code.code()).put("message", message);
    if (reply != null && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      body.put("failureCode", reply.failureCode());
    }
    return body;
  }
}
