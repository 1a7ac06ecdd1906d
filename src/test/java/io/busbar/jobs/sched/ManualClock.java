package io.busbar.jobs.sched;

import java.util.function.LongSupplier;

/** A millisecond clock that only moves when a test moves it. */
final class ManualClock implements LongSupplier {

  private long nowMs;

  ManualClock(long startMs) {
    this.nowMs = startMs;
  }

  @Override
  public long getAsLong() {
    return nowMs;
  }

  /** Moves the clock by {@code deltaMs} (negative steps back) and returns the new time. */
  long advance(long deltaMs) {
    nowMs += deltaMs;
    return nowMs;
  }

  void set(long nowMs) {
    this.nowMs = nowMs;
  }
}
