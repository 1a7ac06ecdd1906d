package io.busbar.jobs.engine;

import io.vertx.core.json.JsonArray;
import java.util.Map;
import java.util.Set;

/**
 * Where the scheduler's attempts run: this node's pools ({@link LocalWorkers}) or the worker nodes of a cluster.
 * Called on the scheduler's context; ends come back to its {@link AttemptListener} on that context.
 */
public interface Workers {

  /** The pool as the scheduler sees it, for its queues' models and statistics. */
  PoolView pool(String name);

  /** True when an attempt of a job of {@code type} in {@code pool} may start now. */
  boolean hasSlot(String pool, String type);

  /** The job types some worker can run. */
  Set<String> types();

  /** Whether some worker can run jobs of {@code type}: {@code types().contains(type)}, without making the set. */
  default boolean handles(String type) {
    return types().contains(type);
  }

  /** Starts an attempt; the caller has checked {@link #hasSlot}. */
  void start(AttemptOrder order);

  /**
   * A scheduler taking over found the job running: the worker that runs it, if it lives, keeps it; otherwise the
   * listener hears that it is {@link AttemptListener#lost lost}.
   */
  void adopt(String id, long lease, String pool);

  /** Interrupts a running attempt (a cancellation or a timeout); an end it still reports is stale. */
  void cancel(String id, long lease);

  /** A job of {@code pool} started after waiting {@code waitedMs} (elastic pools grow on long waits). */
  void observeWait(String pool, long waitedMs);

  /** Periodic elastic sizing: which pools have jobs waiting. */
  void adjust(long nowMs, Map<String, Boolean> backlog);

  /** The worker nodes, for {@code /api/queues}; null for a single node's own pools. */
  default JsonArray nodes() {
    return null;
  }

  /** Stops every attempt and releases the threads. Blocking. */
  void close();
}
