package io.busbar.testsupport;

import io.busbar.jobs.store.JobStore;
import io.busbar.jobs.store.MemoryJobStore;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An in-memory {@link JobStore} for tests to override a call or two of: writes, whether it blocks, closing. */
public class ForwardingJobStore implements JobStore {

  private final MemoryJobStore delegate = new MemoryJobStore();
  private final String kind;

  public ForwardingJobStore(String kind) {
    this.kind = kind;
  }

  @Override
  public List<JsonObject> loadAll(String collection) {
    return delegate.loadAll(collection);
  }

  @Override
  public void write(String collection, List<JsonObject> upserts, List<String> deletes) {
    delegate.write(collection, upserts, deletes);
  }

  @Override
  public String durability() {
    return delegate.durability();
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
