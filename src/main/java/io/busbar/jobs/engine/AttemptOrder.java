package io.busbar.jobs.engine;

import io.vertx.core.json.JsonObject;

/**
 * What a worker needs to run one attempt of a job; also the wire form of a run order sent to a worker node.
 *
 * @param deadline epoch ms by which the attempt must end, {@code Long.MAX_VALUE} for none
 * @param lease the attempt's fencing token: its end counts only while the job still holds this lease
 */
public record AttemptOrder(String id, String type, String pool, Object payload, int attempt, long deadline,
    long lease) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("type", type).put("pool", pool).put("payload", payload)
        .put("attempt", attempt).put("deadline", deadline).put("lease", lease);
  }

  public static AttemptOrder fromJson(JsonObject json) {
    return new AttemptOrder(json.getString("id"), json.getString("type"), json.getString("pool"),
        json.getValue("payload"), json.getInteger("attempt"), json.getLong("deadline"), json.getLong("lease"));
  }
}
