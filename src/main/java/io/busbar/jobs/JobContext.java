package io.busbar.jobs;

import io.vertx.core.json.JsonObject;

/**
 * What a running {@link JobHandler} knows about its job and how it talks back. Thread-safe: a handler may report
 * progress from any thread.
 */
public interface JobContext {

  /** The job's id. */
  String id();

  /** The job's type. */
  String type();

  /** The payload as submitted: any JSON value (object, array, string, number, boolean or null). */
  Object payload();

  /** The payload as a JSON object; an empty object when the payload is null; fails when it is another type. */
  default JsonObject payloadObject() {
    Object payload = payload();
    if (payload == null) {
      return new JsonObject();
    }
    if (payload instanceof JsonObject json) {
      return json;
    }
    throw new IllegalArgumentException("payload: must be a JSON object");
  }

  /** This attempt's number, from 1. */
  int attempt();

  /** When the job times out, as epoch milliseconds, or {@link Long#MAX_VALUE} without a timeout. */
  long deadline();

  /**
   * Reports progress, a fraction from 0 to 1, with an optional message. Reports that come faster than listeners
   * can take are coalesced: the latest one is always delivered.
   */
  void progress(double fraction, String message);

  /** True once the job has been cancelled or has timed out; a handler that loops should stop. */
  boolean isCancelled();

  /** Throws {@link java.util.concurrent.CancellationException} when {@link #isCancelled()}. */
  default void checkCancelled() {
    if (isCancelled()) {
      throw new java.util.concurrent.CancellationException("job " + id() + " was cancelled");
    }
  }
}
