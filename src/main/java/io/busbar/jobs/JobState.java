package io.busbar.jobs;

/**
 * The life of a job. A job is {@link #QUEUED} until a worker takes it, {@link #RUNNING} while its handler runs, and
 * then {@link #SUCCEEDED}, {@link #CANCELLED}, or, when the attempt failed or ran out of time, {@link #FAILED} or
 * {@link #TIMED_OUT}. From those two it is queued again after its backoff while attempts remain, and otherwise
 * {@link #DEAD_LETTERED}, where it stays (with its error) until retried by hand or removed by its TTL.
 */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  DEAD_LETTERED;

  /** True for states a job never leaves on its own. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == CANCELLED || this == DEAD_LETTERED;
  }

  /** The lowercase name used on the wire ({@code timed_out}). */
  public String wire() {
    return name().toLowerCase();
  }

  /** Parses a wire name; null when it is not one. */
  public static JobState fromWire(String name) {
    for (JobState state : values()) {
      if (state.wire().equals(name)) {
        return state;
      }
    }
    return null;
  }
}
