package io.busbar.bench.hardening;

import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One kind of operation of the mixed traffic (a request, a publish, a job), driven either in a closed loop (a fixed
 * number in flight, each completion starting the next) or in an open loop (a fixed rate, whatever the server does).
 * All state lives on one event-loop context; counters may be read from any thread.
 *
 * <p>An operation that is not answered within the timeout, answered with an error, or that cannot start because
 * {@link #MAX_IN_FLIGHT} are already outstanding in the open loop (the server does not keep up), counts as an error.
 */
abstract class LoadKind {

  /** Open loop: at most this many outstanding per kind (Busbar's default {@code bridge.maxInFlight} per socket). */
  static final int MAX_IN_FLIGHT = 256;
  private static final long TICK_MS = 10;
  private static final long MAX_MICROS = 600_000_000L;

  final String name;
  final Context context;
  private final long timeoutNanos;
  private final Map<String, Long> pending = new HashMap<>();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final Histogram latencyMicros = new Histogram(MAX_MICROS, 3);
  private volatile String firstError;
  private boolean running;
  private int closedInFlight;
  private double rate;
  private long openStartedAt;
  private long openFired;
  private long tickTimer = -1;
  private long sweepTimer = -1;

  LoadKind(String name, Context context, long timeoutMs) {
    this.name = name;
    this.context = context;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /** Starts one operation; it must call {@link #begin} with its key, then {@link #succeed} or {@link #fail}. */
  abstract void fire();

  /** Records that operation {@code key} started now. */
  final void begin(String key) {
    pending.put(key, System.nanoTime());
  }

  /** Renames an outstanding operation, keeping its start (e.g. an HTTP submission that now has a job id). */
  final boolean rekey(String from, String to) {
    Long at = pending.remove(from);
    if (at == null) {
      return false;
    }
    pending.put(to, at);
    return true;
  }

  final boolean isPending(String key) {
    return pending.containsKey(key);
  }

  /** Operation {@code key} succeeded; ignored when it was already counted (e.g. timed out). */
  final void succeed(String key) {
    Long at = pending.remove(key);
    if (at == null) {
      return;
    }
    completed.incrementAndGet();
    latencyMicros.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - at) / 1000));
    next();
  }

  /** Operation {@code key} failed with {@code reason}; ignored when it was already counted. */
  final void fail(String key, String reason) {
    if (pending.remove(key) == null) {
      return;
    }
    error(reason);
    next();
  }

  /** Counts an error that belongs to no operation (an unexpected frame or close). */
  final void error(String reason) {
    errors.incrementAndGet();
    if (firstError == null) {
      firstError = name + ": " + reason;
    }
  }

  /** Keeps {@code inFlight} operations outstanding until {@link #stop()}. */
  void startClosed(int inFlight) {
    context.runOnContext(v -> {
      running = true;
      closedInFlight = inFlight;
      startSweep();
      for (int i = 0; i < inFlight; i++) {
        fire();
      }
    });
  }

  /** Starts {@code perSecond} operations a second until {@link #stop()}. */
  void startOpen(double perSecond) {
    context.runOnContext(v -> {
      running = true;
      closedInFlight = 0;
      rate = perSecond;
      openStartedAt = System.nanoTime();
      openFired = 0;
      startSweep();
      tickTimer = context.owner().setPeriodic(TICK_MS, t -> tick());
    });
  }

  /** Stops starting operations and waits (bounded) until none is outstanding; late ones count as timed out. */
  void stopAndDrain(long timeoutMs) throws Exception {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    context.runOnContext(v -> {
      running = false;
      context.owner().cancelTimer(tickTimer);
      stopped.complete(null);
    });
    stopped.get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (outstanding() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    CompletableFuture<Void> swept = new CompletableFuture<>();
    context.runOnContext(v -> {
      context.owner().cancelTimer(sweepTimer);
      pending.keySet().forEach(k -> error("not answered when the load stopped: " + k));
      pending.clear();
      swept.complete(null);
    });
    swept.get(10, TimeUnit.SECONDS);
  }

  long completed() {
    return completed.get();
  }

  long errors() {
    return errors.get();
  }

  String firstError() {
    return firstError;
  }

  /** Operations outstanding now, read on the context. */
  int outstanding() throws Exception {
    CompletableFuture<Integer> n = new CompletableFuture<>();
    context.runOnContext(v -> n.complete(pending.size()));
    return n.get(10, TimeUnit.SECONDS);
  }

  /** Latency percentiles since the last call, and resets them. */
  JsonObject takeLatency() throws Exception {
    CompletableFuture<JsonObject> out = new CompletableFuture<>();
    context.runOnContext(v -> {
      out.complete(Report.percentilesMs(latencyMicros));
      latencyMicros.reset();
    });
    return out.get(10, TimeUnit.SECONDS);
  }

  private void next() {
    if (running && closedInFlight > 0) {
      fire();
    }
  }

  private void tick() {
    long due = (long) ((System.nanoTime() - openStartedAt) / 1e9 * rate) - openFired;
    for (long i = 0; i < due; i++) {
      openFired++;
      if (pending.size() >= MAX_IN_FLIGHT) {
        error("more than " + MAX_IN_FLIGHT + " operations outstanding: the server does not keep up");
      } else {
        fire();
      }
    }
  }

  private void startSweep() {
    if (sweepTimer >= 0) {
      return;
    }
    sweepTimer = context.owner().setPeriodic(500, t -> {
      long now = System.nanoTime();
      List<String> expired = new ArrayList<>();
      pending.forEach((key, at) -> {
        if (now - at > timeoutNanos) {
          expired.add(key);
        }
      });
      // Outside the iteration: in the closed loop each failure starts the next operation, which adds to the map.
      expired.forEach(key -> fail(key, "no answer within " + timeoutNanos / 1_000_000 + " ms"));
    });
  }
}
