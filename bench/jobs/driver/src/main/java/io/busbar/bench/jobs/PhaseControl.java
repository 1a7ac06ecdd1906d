package io.busbar.bench.jobs;

/**
 * What one phase allows, shared by its connections: written by the driver thread, read on the connections'
 * event loops. A job is measured when it is not among a connection's first {@code warmupJobs} submissions, was
 * submitted at or after {@link #measureFrom} and reached its terminal event at or before {@link #measureTo}
 * (all {@link System#nanoTime()}).
 */
final class PhaseControl {

  private final long submitLimit;
  private final long warmupJobs;
  private volatile boolean running = true;
  private volatile long measureFrom;
  private volatile long measureTo;

  private PhaseControl(long submitLimit, long warmupJobs, long measureFrom, long measureTo) {
    this.submitLimit = submitLimit;
    this.warmupJobs = warmupJobs;
    this.measureFrom = measureFrom;
    this.measureTo = measureTo;
  }

  /** Time-boxed: submit until stopped; measure what the driver brackets with {@link #startMeasuring()}. */
  static PhaseControl timed() {
    return new PhaseControl(Long.MAX_VALUE, 0, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Count-bounded: each connection submits {@code warmupJobs + jobs} jobs and measures all but the first ones. */
  static PhaseControl counted(long warmupJobs, long jobs) {
    return new PhaseControl(warmupJobs + jobs, warmupJobs, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Whether a connection that has submitted {@code submitted} jobs may submit another. */
  boolean maySubmit(long submitted) {
    return running && submitted < submitLimit;
  }

  boolean running() {
    return running;
  }

  void stop() {
    running = false;
  }

  long startMeasuring() {
    long now = System.nanoTime();
    measureFrom = now;
    return now;
  }

  long stopMeasuring() {
    long now = System.nanoTime();
    measureTo = now;
    return now;
  }

  /** Whether the job's latency counts: submitted and finished inside the measured interval, after warm-up. */
  boolean latencyMeasured(long index, long submittedAt, long doneAt) {
    return index >= warmupJobs && submittedAt >= measureFrom && doneAt <= measureTo;
  }

  /** Whether the job's completion counts towards throughput: it finished inside the measured interval. */
  boolean completionCounted(long index, long doneAt) {
    return index >= warmupJobs && doneAt >= measureFrom && doneAt <= measureTo;
  }
}
