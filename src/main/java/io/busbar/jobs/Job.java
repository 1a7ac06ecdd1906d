package io.busbar.jobs;

import io.vertx.core.json.JsonObject;

/**
 * A job as Busbar keeps it and shows it: what was asked ({@link JobSpec}'s fields), where it is in its life, and how
 * it ended. Immutable; the engine replaces a job with a changed copy ({@link #toBuilder()}). Its JSON form is the
 * body of {@code GET /api/jobs/{id}}, of webhooks and of the store's records, and job events carry a part of it
 * ({@link #toEventJson()}); field names appear only here.
 *
 * @param id unique id: a UUID of version 7, which begins with the time the job was accepted
 * @param type job type: which handler runs it
 * @param queue the queue it waits in
 * @param payload the handler's input: any JSON value
 * @param priority higher runs first in a priority queue
 * @param costMs the submitter's estimate of the run time in ms (sjf), or null
 * @param timeoutMs an attempt running longer is interrupted; 0 for none
 * @param maxAttempts attempts before the job is dead-lettered
 * @param backoffMs first retry delay; doubles per attempt, with jitter
 * @param idempotencyKey a second submission with the same key returns this job instead of a new one
 * @param webhook URL that receives the final state, or null
 * @param resultTtlMs how long the finished job is kept
 * @param eventsAddress where its events are published
 * @param batchId the batch it belongs to, or null
 * @param batchIndex its position in the batch, or -1
 * @param state where it is in its life
 * @param attempts attempts started so far
 * @param createdAt when it was accepted, epoch ms
 * @param runAt when it may run (after a delay or a retry backoff), epoch ms
 * @param startedAt when its latest attempt started, epoch ms, or 0
 * @param finishedAt when it reached a final state (or its latest attempt ended), epoch ms, or 0
 * @param progress the latest progress report, 0 to 1
 * @param progressMessage the latest progress message, or null
 * @param result the handler's result when succeeded, else null
 * @param error {@code {"kind": "failed"|"timed_out"|"cancelled"|"no_handler", "message"}} of the latest failure
 * @param predictedWaitMs the wait predicted when it was accepted, ms
 * @param lease fencing token: increases each time an attempt starts; an attempt may only finish its own lease
 */
public record Job(String id, String type, String queue, Object payload, int priority, Double costMs, long timeoutMs,
    int maxAttempts, long backoffMs, String idempotencyKey, String webhook, long resultTtlMs, String eventsAddress,
    String batchId, int batchIndex, JobState state, int attempts, long createdAt, long runAt, long startedAt,
    long finishedAt, double progress, String progressMessage, Object result, JsonObject error, long predictedWaitMs,
    long lease) {

  /** The JSON form. Absent values are left out. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("type", type).put("queue", queue).put("state", state.wire())
        .put("payload", payload).put("priority", priority).put("timeoutMs", timeoutMs).put("maxAttempts", maxAttempts)
        .put("backoffMs", backoffMs).put("resultTtlMs", resultTtlMs).put("eventsAddress", eventsAddress)
        .put("attempts", attempts).put("createdAt", createdAt).put("runAt", runAt).put("progress", progress)
        .put("predictedWaitMs", predictedWaitMs).put("lease", lease);
    putIf(json, "costMs", costMs);
    putIf(json, "idempotencyKey", idempotencyKey);
    putIf(json, "webhook", webhook);
    return putOptional(json);
  }

  /**
   * The JSON form that job events carry: who the job is and where it stands, without what it was submitted with
   * (payload, options, times of acceptance), which never changes and which {@code GET /api/jobs/{id}} shows. Every
   * event of a job would otherwise carry its payload again, to every listener.
   */
  public JsonObject toEventJson() {
    JsonObject json = new JsonObject().put("id", id).put("type", type).put("queue", queue).put("state", state.wire())
        .put("attempts", attempts).put("runAt", runAt).put("progress", progress);
    return putOptional(json);
  }

  /** Adds the fields of where the job stands that may be absent. */
  private JsonObject putOptional(JsonObject json) {
    putIf(json, "batchId", batchId);
    if (batchId != null) {
      json.put("batchIndex", batchIndex);
    }
    if (startedAt > 0) {
      json.put("startedAt", startedAt);
    }
    if (finishedAt > 0) {
      json.put("finishedAt", finishedAt);
    }
    putIf(json, "progressMessage", progressMessage);
    if (state == JobState.SUCCEEDED) {
      json.put("result", result);
    }
    putIf(json, "error", error);
    return json;
  }

  private static void putIf(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  /** Reads the JSON form. */
  public static Job fromJson(JsonObject json) {
    Number cost = json.getNumber("costMs");
    return new Job(json.getString("id"), json.getString("type"), json.getString("queue"), json.getValue("payload"),
        json.getInteger("priority", 0), cost == null ? null : cost.doubleValue(), json.getLong("timeoutMs", 0L),
        json.getInteger("maxAttempts", 1), json.getLong("backoffMs", 1000L), json.getString("idempotencyKey"),
        json.getString("webhook"), json.getLong("resultTtlMs", 3_600_000L), json.getString("eventsAddress"),
        json.getString("batchId"), json.getInteger("batchIndex", -1), JobState.fromWire(json.getString("state")),
        json.getInteger("attempts", 0), json.getLong("createdAt", 0L), json.getLong("runAt", 0L),
        json.getLong("startedAt", 0L), json.getLong("finishedAt", 0L), json.getDouble("progress", 0.0),
        json.getString("progressMessage"), json.getValue("result"), json.getJsonObject("error"),
        json.getLong("predictedWaitMs", 0L), json.getLong("lease", 0L));
  }

  /** How long its latest attempt waited to start, ms, or -1 before it started. */
  public long waitedMs() {
    return startedAt > 0 ? Math.max(0, startedAt - Math.max(createdAt, runAt)) : -1;
  }

  /** A builder holding this job's values, to make a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Makes changed copies of a {@link Job}. */
  public static final class Builder {
    private final Job base;
    private JobState state;
    private int attempts;
    private long runAt;
    private long startedAt;
    private long finishedAt;
    private double progress;
    private String progressMessage;
    private Object result;
    private JsonObject error;
    private long lease;
    private long predictedWaitMs;

    private Builder(Job base) {
      this.base = base;
      state = base.state;
      attempts = base.attempts;
      runAt = base.runAt;
      startedAt = base.startedAt;
      finishedAt = base.finishedAt;
      progress = base.progress;
      progressMessage = base.progressMessage;
      result = base.result;
      error = base.error;
      lease = base.lease;
      predictedWaitMs = base.predictedWaitMs;
    }

    public Builder state(JobState value) {
      state = value;
      return this;
    }

    public Builder attempts(int value) {
      attempts = value;
      return this;
    }

    public Builder runAt(long value) {
      runAt = value;
      return this;
    }

    public Builder startedAt(long value) {
      startedAt = value;
      return this;
    }

    public Builder finishedAt(long value) {
      finishedAt = value;
      return this;
    }

    public Builder progress(double value, String message) {
      progress = value;
      progressMessage = message;
      return this;
    }

    public Builder result(Object value) {
      result = value;
      return this;
    }

    public Builder error(String kind, String message) {
      error = kind == null ? null : new JsonObject().put("kind", kind).put("message", message);
      return this;
    }

    public Builder lease(long value) {
      lease = value;
      return this;
    }

    public Builder predictedWaitMs(long value) {
      predictedWaitMs = value;
      return this;
    }

    public Job build() {
      Job b = base;
      return new Job(b.id, b.type, b.queue, b.payload, b.priority, b.costMs, b.timeoutMs, b.maxAttempts, b.backoffMs,
          b.idempotencyKey, b.webhook, b.resultTtlMs, b.eventsAddress, b.batchId, b.batchIndex, state, attempts,
          b.createdAt, runAt, startedAt, finishedAt, progress, progressMessage, result, error, predictedWaitMs, lease);
    }
  }
}
