package io.busbar.jobs.engine;

import io.vertx.core.json.JsonObject;

/**
 * How an attempt ended: a result, or an error of a kind ({@code failed}, {@code interrupted}, {@code no_handler})
 * with a message, and the latest progress message the handler reported (which may not have been flushed yet). Also the wire form of an end reported by a worker node.
 */
public record Outcome(Object result, String errorKind, String errorMessage, String progressMessage) {

  public static final String FAILED = "failed";
  public static final String INTERRUPTED = "interrupted";
  public static final String NO_HANDLER = "no_handler";

  public static Outcome succeeded(Object result) {
    return new Outcome(result, null, null, null);
  }

  public static Outcome failed(String kind, String message) {
    return new Outcome(null, kind, message, null);
  }

  public Outcome withProgressMessage(String message) {
    return new Outcome(result, errorKind, errorMessage, message);
  }

  public boolean isSuccess() {
    return errorKind == null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("result", result).put("errorKind", errorKind).put("errorMessage", errorMessage)
        .put("progressMessage", progressMessage);
  }

  public static Outcome fromJson(JsonObject json) {
    return new Outcome(json.getValue("result"), json.getString("errorKind"), json.getString("errorMessage"),
        json.getString("progressMessage"));
  }
}
