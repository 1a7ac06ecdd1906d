package io.busbar.jobs.engine;

import io.busbar.config.JobPoolConfig;
import io.busbar.jobs.JobHandler;
import io.busbar.jobs.JobHandlers;
import io.busbar.metrics.JobMeters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Runs attempts on this node's job pools: looks up the handler, runs it on the pool's thread, coalesces its
 * progress reports (at most one per {@code progressIntervalMs}) and reports progress and the end to an
 * {@link AttemptListener} on {@code context}. A cancelled attempt's thread is interrupted; whatever it returns
 * afterwards is reported as usual and the listener's fencing (the lease) discards it. Every method except the
 * pool threads' own work runs on {@code context}.
 */
public final class LocalRunner {

  private final Vertx vertx;
  private final Context context;
  private final JobHandlers handlers;
  private final long progressIntervalMs;
  private final AttemptListener listener;
  private final Map<String, JobPool> pools = new LinkedHashMap<>();
  private final Map<String, Attempt> running = new HashMap<>();

  public LocalRunner(Vertx vertx, Context context, Map<String, JobPoolConfig> pools, JobHandlers handlers,
      long progressIntervalMs, AttemptListener listener) {
    this.vertx = vertx;
    this.context = context;
    this.handlers = handlers;
    this.progressIntervalMs = progressIntervalMs;
    this.listener = listener;
    pools.forEach((name, config) -> this.pools.put(name, new JobPool(config)));
  }

  /** Exports the pools' sizes as gauges. */
  public void registerMeters(JobMeters meters) {
    pools.values().forEach(p -> meters.registerPool(p.name(), p::limit, p::busy, p::threads));
  }

  public PoolView pool(String name) {
    return pools.get(name);
  }

  public Map<String, ? extends PoolView> pools() {
    return pools;
  }

  public boolean hasSlot(String pool) {
    JobPool p = pools.get(pool);
    return p != null && p.hasSlot();
  }

  public List<String> types() {
    return handlers.types();
  }

  /** Whether a handler for {@code type} is registered on this node. */
  public boolean handles(String type) {
    return handlers.get(type) != null;
  }

  public void run(AttemptOrder order) {
    JobPool pool = pools.get(order.pool());
    JobHandler handler = handlers.get(order.type());
    if (pool == null || handler == null) {
      String why = pool == null ? "no job pool \"" + order.pool() + "\" on this node"
          : "no handler for job type \"" + order.type() + "\"";
      context.runOnContext(v -> listener.ended(order.id(), order.lease(), Outcome.failed(Outcome.NO_HANDLER, why)));
      return;
    }
    Attempt attempt = new Attempt(order.id(), order.type(), order.payload(), order.attempt(), order.deadline(),
        order.lease(), this::progressReported);
    Attempt previous = running.put(order.id(), attempt);
    if (previous != null) {
      previous.cancel();   // a newer lease of the same job supersedes an attempt still running here
    }
    pool.run(() -> execute(attempt, handler, pool));
  }

  /** Runs on a pool thread. */
  private void execute(Attempt attempt, JobHandler handler, JobPool pool) {
    Outcome outcome;
    if (!attempt.enter()) {
      outcome = Outcome.failed(Outcome.INTERRUPTED, "interrupted");   // cancelled before its thread took it
    } else {
      try {
        Object result = handler.handle(attempt);
        outcome = isJson(result) ? Outcome.succeeded(result) : Outcome.failed(Outcome.FAILED,
            "the handler returned a " + result.getClass().getName() + ", not a JSON value");
      } catch (CancellationException | InterruptedException e) {
        outcome = Outcome.failed(Outcome.INTERRUPTED, "interrupted");
      } catch (Throwable t) {
        outcome = attempt.isCancelled() && Thread.currentThread().isInterrupted()
            ? Outcome.failed(Outcome.INTERRUPTED, "interrupted")
            : Outcome.failed(Outcome.FAILED, t.getMessage() == null ? t.toString() : t.getMessage());
      } finally {
        attempt.exit();
      }
    }
    Outcome end = outcome.withProgressMessage(attempt.latestProgressMessage());
    context.runOnContext(v -> {
      pool.released();
      running.remove(attempt.id(), attempt);
      listener.ended(attempt.id(), attempt.lease(), end);
    });
  }

  private static boolean isJson(Object value) {
    return value == null || value instanceof JsonObject || value instanceof JsonArray || value instanceof String
        || value instanceof Number || value instanceof Boolean;
  }

  /** Called on the handler's thread when an attempt has new progress and none is pending. */
  private void progressReported(Attempt attempt) {
    Runnable flush = () -> context.runOnContext(v -> {
      attempt.progressTaken();
      if (running.get(attempt.id()) == attempt) {
        listener.progress(attempt.id(), attempt.lease(), attempt.latestProgress(), attempt.latestProgressMessage());
      }
    });
    if (progressIntervalMs > 0) {
      vertx.setTimer(progressIntervalMs, t -> flush.run());
    } else {
      flush.run();
    }
  }

  /** Interrupts the attempt of {@code id} if it holds {@code lease}. */
  public void cancel(String id, long lease) {
    Attempt attempt = running.get(id);
    if (attempt != null && attempt.lease() == lease) {
      attempt.cancel();
    }
  }

  /** Tells the listener, after the current event, that an attempt this runner does not run is lost. */
  void lost(String id, long lease) {
    context.runOnContext(v -> listener.lost(id, lease));
  }

  /** The attempts running here: {@code {id: lease}}. */
  public Map<String, Long> running() {
    Map<String, Long> leases = new HashMap<>();
    running.forEach((id, attempt) -> leases.put(id, attempt.lease()));
    return leases;
  }

  public int runningCount() {
    return running.size();
  }

  public void observeWait(String pool, long waitedMs) {
    JobPool p = pools.get(pool);
    if (p != null) {
      p.observeWait(waitedMs);
    }
  }

  public void adjust(long nowMs, Map<String, Boolean> backlog) {
    pools.forEach((name, pool) -> pool.adjust(nowMs, backlog.getOrDefault(name, false)));
  }

  /** Interrupts the attempts still running and lets the threads go. */
  public List<String> close() {
    List<String> interrupted = new ArrayList<>(running.keySet());
    running.values().forEach(Attempt::cancel);
    pools.values().forEach(JobPool::close);
    return interrupted;
  }
}
