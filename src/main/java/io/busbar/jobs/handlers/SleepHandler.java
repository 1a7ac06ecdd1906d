package io.busbar.jobs.handlers;

import io.busbar.jobs.JobContext;
import io.busbar.jobs.JobHandler;
import io.busbar.support.Numbers;
import io.vertx.core.json.JsonObject;

/**
 * {@code sleep}: {@code {"ms": N, "steps": S}} blocks for N milliseconds (0 to 3,600,000), reporting progress in S
 * steps (default 1), standing for blocking I/O. Interrupted by a timeout or a cancellation. Result
 * {@code {"sleptMs": N}}.
 */
public final class SleepHandler implements JobHandler {

  @Override
  public Object handle(JobContext context) throws InterruptedException {
    JsonObject payload = context.payloadObject();
    long ms = whole(payload, "ms", 0, 3_600_000, -1);
    if (ms < 0) {
      throw new IllegalArgumentException("payload.ms: required, a whole number from 0 to 3600000");
    }
    long steps = whole(payload, "steps", 1, 10_000, 1);
    for (long step = 1; step <= steps; step++) {
      Thread.sleep(ms / steps + (step == steps ? ms % steps : 0));
      context.progress((double) step / steps, "slept " + step + "/" + steps);
    }
    return new JsonObject().put("sleptMs", ms);
  }

  private static long whole(JsonObject payload, String field, long min, long max, long fallback) {
    Object value = payload.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (Numbers.isWholeIn(value, min, max)) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException("payload." + field + ": a whole number from " + min + " to " + max);
  }
}
