package io.busbar.jobs;

import io.vertx.core.json.JsonObject;

/**
 * The answer to a submission: the body of {@code POST /api/jobs} (202) and the reply of {@code jobs.submit}.
 *
 * @param id the job's id
 * @param state its state now ({@code queued}, or the current state of an earlier job with the same idempotency key)
 * @param queue its queue
 * @param position jobs that would run before it
 * @param etaMs predicted wait before it starts, ms
 * @param eventsAddress where its events are published (register there over the bridge)
 */
public record JobReceipt(String id, String state, String queue, int position, long etaMs, String eventsAddress) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("state", state).put("queue", queue).put("position", position)
        .put("etaMs", etaMs).put("eventsAddress", eventsAddress);
  }

  public static JobReceipt fromJson(JsonObject json) {
    return new JobReceipt(json.getString("id"), json.getString("state"), json.getString("queue"),
        json.getInteger("position", 0), json.getLong("etaMs", 0L), json.getString("eventsAddress"));
  }
}
