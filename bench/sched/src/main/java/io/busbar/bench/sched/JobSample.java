package io.busbar.bench.sched;

import io.busbar.bench.sched.Schedule.Arrival;
import io.vertx.core.json.JsonObject;

/**
 * One finished job of a run, joined with the schedule entry it came from. Times are epoch ms from the final job
 * JSON (Busbar's clock, ms resolution).
 *
 * @param arrival the schedule entry
 * @param queue the queue it ran on
 * @param createdAt accepted
 * @param startedAt its attempt started (a pool slot was taken)
 * @param finishedAt it ended (the slot was given back just before)
 * @param predictedWaitMs Busbar's ETA at submission
 * @param sentAtMs when the driver wrote the submit frame
 * @param receiptPosition {@code position} of the receipt (jobs ahead when the receipt was made), or -1
 */
record JobSample(Arrival arrival, String queue, long createdAt, long startedAt, long finishedAt, long predictedWaitMs,
    long sentAtMs, int receiptPosition) {

  static JobSample of(Arrival arrival, String queue, JsonObject job, JsonObject receipt, long sentAtMs) {
    return new JobSample(arrival, queue, job.getLong("createdAt"), job.getLong("startedAt", 0L),
        job.getLong("finishedAt", 0L), job.getLong("predictedWaitMs", 0L), sentAtMs,
        receipt == null ? -1 : receipt.getInteger("position", -1));
  }

  /** startedAt − createdAt, ms. */
  long waitMs() {
    return startedAt - createdAt;
  }

  /** finishedAt − startedAt: the time the job held its slot, ms. */
  long serviceMs() {
    return finishedAt - startedAt;
  }

  /** Measured service minus the requested sleep: Busbar's own per-job time, ms. */
  long overheadMs() {
    return serviceMs() - arrival.serviceMs();
  }
}
