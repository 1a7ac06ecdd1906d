package io.busbar.jobs;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.List;
import java.util.TreeSet;

/**
 * The job handlers registered on this node, by job type. {@link JobHandlerVerticle}s register them; the jobs engine
 * looks them up when it accepts and runs jobs. Backed by a node-local shared map, so it is safe from any thread.
 */
public final class JobHandlers {

  private static final String MAP = "busbar.jobs.handlers";

  private final LocalMap<String, Entry> map;

  private record Entry(JobHandler handler) implements Shareable {
  }

  private JobHandlers(LocalMap<String, Entry> map) {
    this.map = map;
  }

  /** The registry of {@code vertx}'s node. */
  public static JobHandlers of(Vertx vertx) {
    return new JobHandlers(vertx.sharedData().getLocalMap(MAP));
  }

  /** Registers {@code handler} for {@code type}; fails when the type already has one. */
  public void register(String type, JobHandler handler) {
    if (map.putIfAbsent(type, new Entry(handler)) != null) {
      throw new IllegalStateException("job type \"" + type + "\" already has a handler");
    }
  }

  /** Removes the handler of {@code type} when it is {@code handler}. */
  public void unregister(String type, JobHandler handler) {
    Entry entry = map.get(type);
    if (entry != null && entry.handler() == handler) {
      map.remove(type);
    }
  }

  /** The handler of {@code type}, or null. */
  public JobHandler get(String type) {
    Entry entry = map.get(type);
    return entry == null ? null : entry.handler();
  }

  /** Registered types, sorted. */
  public List<String> types() {
    return List.copyOf(new TreeSet<>(map.keySet()));
  }
}
