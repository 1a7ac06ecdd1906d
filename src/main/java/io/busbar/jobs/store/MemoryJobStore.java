package io.busbar.jobs.store;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link JobStore} that keeps records on the heap, one {@link ConcurrentHashMap} per collection. Nothing survives
 * a restart: use it for tests and for deployments that accept losing every job on restart.
 *
 * <p>Records are kept as JSON text, like {@link MvJobStore} keeps them, so what {@code loadAll} returns is the same
 * in both stores (an {@code Instant} comes back as its ISO-8601 string, for instance) and callers can keep mutating
 * the objects they wrote or loaded. In one {@code write}, upserts are applied first, then deletes (an id in both ends
 * up deleted); a record without a string {@code "id"} or that cannot be encoded fails the write with nothing changed.
 *
 * <p>Safe to call from several threads, but a {@code loadAll} running beside a {@code write} may see part of it.
 */
public final class MemoryJobStore implements JobStore {

  static final String DURABILITY = "memory: records live only in this process's heap; nothing survives a restart";

  private final Map<String, Map<String, String>> collections = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public List<JsonObject> loadAll(String collection) {
    ensureOpen();
    Records.checkCollection(collection);
    Map<String, String> records = collections.get(collection);
    if (records == null) {
      return List.of();
    }
    List<JsonObject> loaded = new ArrayList<>(records.size());
    records.values().forEach(text -> loaded.add(Records.parse(text)));
    return loaded;
  }

  @Override
  public void write(String collection, List<JsonObject> upserts, List<String> deletes) {
    ensureOpen();
    Records.checkCollection(collection);
    List<String> ids = Records.idsOf(upserts);
    Records.checkDeletes(deletes);
    List<String> texts = Records.encodeAll(upserts);
    Map<String, String> records = upserts.isEmpty()
        ? collections.get(collection)
        : collections.computeIfAbsent(collection, name -> new ConcurrentHashMap<>());
    if (records == null) {
      return;
    }
    for (int i = 0; i < ids.size(); i++) {
      records.put(ids.get(i), texts.get(i));
    }
    deletes.forEach(records::remove);
  }

  @Override
  public String kind() {
    return "memory";
  }

  /** Writes touch only the heap (a few microseconds to encode a record): they may run on an event loop. */
  @Override
  public boolean blocking() {
    return false;
  }

  @Override
  public String durability() {
    return DURABILITY;
  }

  /** Drops every record; later calls fail with {@link IllegalStateException}. Calling it twice is harmless. */
  @Override
  public void close() {
    closed = true;
    collections.clear();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("job store is closed");
    }
  }
}
