package io.busbar.jobs;

import io.busbar.bus.Addresses;
import io.busbar.bus.Identity;
import io.busbar.config.JobsConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The job platform for code on the event bus: the same operations as {@code /api/jobs} and the bridge's
 * {@code jobs.*} addresses. Failures are {@code ReplyException}s with the codes of {@link Addresses.Jobs}.
 */
public final class JobsClient {

  private static final long MARGIN_MS = 5_000;

  private final EventBus bus;
  private final long timeoutMs;
  private final Identity identity;

  /** A client whose requests time out after {@code timeoutMs} (long polls get their wait on top). */
  public JobsClient(EventBus bus, long timeoutMs) {
    this(bus, timeoutMs, null);
  }

  private JobsClient(EventBus bus, long timeoutMs, Identity identity) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
    this.identity = identity;
  }

  /** A client acting for an outside caller: its requests carry {@code caller}, checked against queue authorities. */
  public JobsClient as(Identity caller) {
    return new JobsClient(bus, timeoutMs, caller);
  }

  public JobsClient(EventBus bus) {
    this(bus, 30_000);
  }

  /** Submits a job ({@link JobSpec}'s JSON form); completes once it is accepted and stored. */
  public Future<JobReceipt> submit(JsonObject spec) {
    return request(Addresses.Jobs.SUBMIT, spec, timeoutMs).map(JobReceipt::fromJson);
  }

  /** The job now. */
  public Future<Job> get(String id) {
    return get(id, 0);
  }

  /**
   * The job once it is final, or after {@code waitMs}, whichever comes first. The service refuses a wait outside
   * 0..{@code jobs.maxWaitMs}; whatever is asked, the reply timeout stays a valid one.
   */
  public Future<Job> get(String id, long waitMs) {
    long wait = Math.min(Math.max(waitMs, 0), JobsConfig.MAX_WAIT_LIMIT_MS);
    return request(Addresses.Jobs.GET, new JsonObject().put("id", id).put("waitMs", waitMs), timeoutMs + wait)
        .map(Job::fromJson);
  }

  public Future<Job> cancel(String id) {
    return request(Addresses.Jobs.CANCEL, new JsonObject().put("id", id), timeoutMs).map(Job::fromJson);
  }

  public Future<Job> retry(String id) {
    return request(Addresses.Jobs.RETRY, new JsonObject().put("id", id), timeoutMs).map(Job::fromJson);
  }

  /** A page of jobs: {@code {"jobs", "total", "offset", "limit"}}; queue and state may be null. */
  public Future<JsonObject> list(String queue, String state, int limit, int offset) {
    JsonObject query = new JsonObject().put("limit", limit).put("offset", offset);
    if (queue != null) {
      query.put("queue", queue);
    }
    if (state != null) {
      query.put("state", state);
    }
    return request(Addresses.Jobs.LIST, query, timeoutMs);
  }

  /** Submits jobs as one batch: {@code {"batchId", "eventsAddress", "jobs": [receipts]}}. */
  public Future<JsonObject> batch(JsonArray specs) {
    return request(Addresses.Jobs.BATCH, new JsonObject().put("jobs", specs), timeoutMs);
  }

  /** Per-queue statistics. */
  public Future<JsonObject> queues() {
    return request(Addresses.Jobs.QUEUES, new JsonObject(), timeoutMs);
  }

  private Future<JsonObject> request(String address, JsonObject body, long timeout) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout + MARGIN_MS);
    return bus.<JsonObject>request(address, body, identity == null ? options : identity.stamp(options))
        .map(Message::body);
  }
}
