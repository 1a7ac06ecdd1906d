package io.busbar.web;

import io.busbar.bus.Identity;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/** How an event-bus message's body and headers are shown to outside clients as JSON. */
public final class Bodies {

  private Bodies() {
  }

  /** JSON types as they are, a Buffer as UTF-8 text, bytes as Base64, anything else as its text. */
  public static Object toJson(Object body) {
    if (body == null || body instanceof JsonObject || body instanceof JsonArray || body instanceof String
        || body instanceof Number || body instanceof Boolean) {
      return body;
    }
    if (body instanceof Buffer b) {
      return b.toString();
    }
    if (body instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    return String.valueOf(body);
  }

  /** The headers a client may see (all but Busbar's reserved {@code busbar-*} ones), or null when none are left. */
  public static JsonObject clientHeaders(MultiMap headers) {
    if (headers == null || headers.isEmpty()) {
      return null;
    }
    JsonObject shown = null;
    for (var header : headers) {
      if (!Identity.isReserved(header.getKey())) {
        if (shown == null) {
          shown = new JsonObject();
        }
        shown.put(header.getKey(), header.getValue());
      }
    }
    return shown;
  }
}
