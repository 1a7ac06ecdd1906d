package io.busbar.jobs.engine;

import io.busbar.jobs.JobContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One running attempt of a job: the {@link JobContext} its handler sees, and the engine's handle on it. Progress
 * reports from the handler's thread are kept as the latest value and handed to {@code onProgress} (which coalesces
 * them on the engine's thread).
 */
final class Attempt implements JobContext {

  private final String id;
  private final String type;
  private final Object payload;
  private final int attempt;
  private final long deadline;
  private final long lease;
  private final Consumer<Attempt> onProgress;
  private final AtomicBoolean progressPending = new AtomicBoolean();
  private volatile boolean cancelled;
  private volatile double progress;
  private volatile String progressMessage;
  /** The pool thread running the handler, while it runs. */
  private Thread thread;

  Attempt(String id, String type, Object payload, int attempt, long deadline, long lease, Consumer<Attempt> onProgress) {
    this.id = id;
    this.type = type;
    this.payload = payload;
    this.attempt = attempt;
    this.deadline = deadline;
    this.lease = lease;
    this.onProgress = onProgress;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public Object payload() {
    return payload;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public long deadline() {
    return deadline;
  }

  @Override
  public void progress(double fraction, String message) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction: must be from 0 to 1, got " + fraction);
    }
    progress = fraction;
    progressMessage = message;
    if (progressPending.compareAndSet(false, true)) {
      onProgress.accept(this);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  long lease() {
    return lease;
  }

  double latestProgress() {
    return progress;
  }

  String latestProgressMessage() {
    return progressMessage;
  }

  /** Called on the engine's thread once the latest progress has been taken. */
  void progressTaken() {
    progressPending.set(false);
  }

  boolean hasPendingProgress() {
    return progressPending.get();
  }

  /**
   * Called on the pool thread before the handler runs: false when the attempt was cancelled before it started (its
   * handler is then not run), else the thread is the attempt's until {@link #exit()}.
   */
  synchronized boolean enter() {
    if (cancelled) {
      return false;
    }
    thread = Thread.currentThread();
    return true;
  }

  /** Called on the pool thread after the handler: an interrupt meant for this attempt does not outlive it. */
  synchronized void exit() {
    thread = null;
    Thread.interrupted();
  }

  /**
   * Marks the attempt cancelled and interrupts its thread if its handler runs. One that has not started yet still
   * runs {@link LocalRunner}'s task, which ends it at once (so its slot is released and its end reported).
   */
  synchronized void cancel() {
    cancelled = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
