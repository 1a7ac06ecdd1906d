package io.busbar.jobs;

/**
 * The code that runs one type of job. {@link #handle} is called on a worker thread of the job's queue's pool, so it
 * may block. It returns the job's result (any JSON value: a {@code JsonObject}, {@code JsonArray}, {@code String},
 * number, boolean, or null) or throws to fail the attempt. Timeouts and cancellation interrupt the thread, so
 * blocking calls end with an {@link InterruptedException}; a handler that computes in a loop should check
 * {@link JobContext#isCancelled()}.
 *
 * <p>One instance serves every job of its type, possibly on several threads at once: keep it stateless or
 * thread-safe. Register handlers with a descriptor that deploys {@code io.busbar.jobs.JobHandlerVerticle} (see
 * README).
 */
@FunctionalInterface
public interface JobHandler {

  /** Runs one attempt of a job and returns its result. */
  Object handle(JobContext context) throws Exception;
}
