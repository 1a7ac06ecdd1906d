package io.busbar.jobs.handlers;

import io.busbar.jobs.JobContext;
import io.busbar.jobs.JobHandler;

/**
 * {@code fail}: fails with {@code payload.message} (default "failed on purpose"); with {@code {"failTimes": N}} it
 * fails only its first N attempts and then succeeds, to show retries.
 */
public final class FailHandler implements JobHandler {

  @Override
  public Object handle(JobContext context) {
    Object payload = context.payload();
    int failTimes = Integer.MAX_VALUE;
    String message = "failed on purpose";
    if (payload instanceof io.vertx.core.json.JsonObject json) {
      failTimes = json.getInteger("failTimes", Integer.MAX_VALUE);
      message = json.getString("message", message);
    }
    if (context.attempt() <= failTimes) {
      throw new IllegalStateException(message);
    }
    return "succeeded on attempt " + context.attempt();
  }
}
