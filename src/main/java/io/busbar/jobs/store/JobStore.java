package io.busbar.jobs.store;

import io.busbar.metrics.JobMeters;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where jobs are kept so that a restart loses none. Records are JSON objects with a string {@code "id"}, grouped
 * in named collections (e.g. {@code jobs}, {@code batches}).
 *
 * <p>Calls are blocking and come from one thread at a time (the engine's store writer, or start-up); never call
 * them on an event loop, unless the store says it does not block ({@link #blocking()}). The engine keeps its working
 * set in memory and uses the store to write through and to recover.
 */
public interface JobStore extends AutoCloseable {

  /** Every record of {@code collection}, in no particular order. */
  List<JsonObject> loadAll(String collection);

  /**
   * Inserts or replaces {@code upserts} (by {@code "id"}) and removes {@code deletes} from {@code collection}, as one
   * unit: upserts first, so an id in both ends up deleted. When it returns, the writes survive a crash of the process ({@code kill -9}); see {@link #durability()}.
   */
  void write(String collection, List<JsonObject> upserts, List<String> deletes);

  /** What this store promises, in words, for logs and {@code /api/queues}. */
  String durability();

  /** The store's kind, as {@code /api/queues} names it: {@code mvstore}, {@code memory} or {@code hazelcast}. */
  String kind();

  /**
   * Whether {@link #write} may block (file or network I/O). The engine writes such a store from a thread of its own;
   * one that only touches memory it writes on its own event loop, which spares every write two thread hand-offs.
   */
  default boolean blocking() {
    return true;
  }

  /** Exports the store's own meters, if it has any (the durable store: its journal and checkpoints). */
  default void registerMeters(JobMeters meters) {
  }

  /** Flushes and releases the store. */
  @Override
  void close();
}
