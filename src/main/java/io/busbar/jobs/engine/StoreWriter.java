package io.busbar.jobs.engine;

import io.busbar.jobs.store.JobStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the {@link JobStore} on a thread of its own, with group commit: every write that arrives while one is
 * in progress goes into the next, so a burst of submissions costs one store commit rather than one each. Futures
 * complete on the engine's context once their write is in the store. A store that does not block
 * ({@link JobStore#blocking()}: the in-memory one) is written at once on the caller's thread, the engine's event
 * loop, without the hand-offs to the writer thread and back; its futures still complete on a later turn of the
 * context, as they do for the others.
 */
final class StoreWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
  private static final int MAX_BATCH = 4096;

  private record Op(String collection, String id, JsonObject record, Promise<Void> done) {
  }

  private final JobStore store;
  private final Context context;
  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  /** The writer thread, or null for a store written on the caller's thread. */
  private final Thread thread;
  private volatile boolean running = true;

  StoreWriter(JobStore store, Context context) {
    this.store = store;
    this.context = context;
    if (store.blocking()) {
      this.thread = new Thread(this::loop, "busbar-job-store");
      thread.setDaemon(true);
      thread.start();
    } else {
      this.thread = null;
    }
  }

  /** Inserts or replaces {@code record} (by its {@code "id"}). */
  Future<Void> put(String collection, JsonObject record) {
    return enqueue(new Op(collection, record.getString("id"), record, Promise.promise()));
  }

  /** Removes the record {@code id}. */
  Future<Void> delete(String collection, String id) {
    return enqueue(new Op(collection, id, null, Promise.promise()));
  }

  private Future<Void> enqueue(Op op) {
    if (!running) {
      return Future.failedFuture("the job store is closed");
    }
    if (thread == null) {
      complete(List.of(op), writeAll(List.of(op)));
    } else {
      queue.add(op);
    }
    return op.done().future();
  }

  private void loop() {
    List<Op> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Op first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        Throwable failure = writeAll(batch);
        complete(List.copyOf(batch), failure);
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Completes the futures of {@code done} on the engine's context: failed with {@code failure}, when not null. */
  private void complete(List<Op> done, Throwable failure) {
    context.runOnContext(v -> done.forEach(op -> {
      if (failure == null) {
        op.done().complete();
      } else {
        op.done().fail(failure);
      }
    }));
  }

  private Throwable writeAll(List<Op> batch) {
    Map<String, Map<String, JsonObject>> byCollection = new LinkedHashMap<>();
    for (Op op : batch) {
      byCollection.computeIfAbsent(op.collection(), c -> new LinkedHashMap<>()).put(op.id(), op.record());
    }
    try {
      byCollection.forEach((collection, records) -> {
        List<JsonObject> upserts = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        records.forEach((id, record) -> {
          if (record == null) {
            deletes.add(id);
          } else {
            upserts.add(record);
          }
        });
        store.write(collection, upserts, deletes);
      });
      return null;
    } catch (RuntimeException e) {
      LOG.error("writing {} job records failed", batch.size(), e);
      return e;
    }
  }

  /** Writes what is queued, then closes the store. Blocking. */
  @Override
  public void close() {
    running = false;
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    store.close();
  }
}
