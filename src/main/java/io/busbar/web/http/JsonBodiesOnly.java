package io.busbar.web.http;

import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses request bodies the JSON API cannot read, before the body handler: {@code multipart/form-data} (and any
 * other {@code multipart/*}) gets 415 {@code unsupported_media_type}. The body handler would decode such a body as
 * form fields and leave no raw body, so the request would go on as if it had none. Other content types are read as
 * JSON whatever they say, so that {@code curl -d '{...}'} keeps working: its {@code x-www-form-urlencoded} is
 * relabelled JSON, or the body handler would decode the body as a form and fail (500) on a {@code %} in it.
 */
public final class JsonBodiesOnly {

  private JsonBodiesOnly() {
  }

  /** A route handler for everything under {@code /api/}. */
  public static void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.trim().toLowerCase().startsWith("multipart/")) {
      ctx.fail(new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "the request body must be JSON (application/json), not " + type.trim().split(";")[0]));
      return;
    }
    if (type != null && type.trim().toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      // curl -d sends this type; the body handler would decode the JSON as a form and fail on any '%' in it.
      ctx.request().headers().set("Content-Type", "application/json");
    }
    ctx.next();
  }
}
