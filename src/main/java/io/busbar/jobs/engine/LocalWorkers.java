package io.busbar.jobs.engine;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The workers of a single node: the scheduler's attempts run on this node's own pools. */
public final class LocalWorkers implements Workers {

  private final LocalRunner runner;

  public LocalWorkers(LocalRunner runner) {
    this.runner = runner;
  }

  @Override
  public PoolView pool(String name) {
    return runner.pool(name);
  }

  /** A free slot is enough: a job whose handler is missing fails as {@code no_handler}. */
  @Override
  public boolean hasSlot(String pool, String type) {
    return runner.hasSlot(pool);
  }

  @Override
  public Set<String> types() {
    return new LinkedHashSet<>(runner.types());
  }

  @Override
  public boolean handles(String type) {
    return runner.handles(type);
  }

  @Override
  public void start(AttemptOrder order) {
    runner.run(order);
  }

  /** A single node never finds an attempt of its own running at start: it runs again. */
  @Override
  public void adopt(String id, long lease, String pool) {
    runner.lost(id, lease);
  }

  @Override
  public void cancel(String id, long lease) {
    runner.cancel(id, lease);
  }

  @Override
  public void observeWait(String pool, long waitedMs) {
    runner.observeWait(pool, waitedMs);
  }

  @Override
  public void adjust(long nowMs, Map<String, Boolean> backlog) {
    runner.adjust(nowMs, backlog);
  }

  @Override
  public void close() {
    runner.close();
  }
}
