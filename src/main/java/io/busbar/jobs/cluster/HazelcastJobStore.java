package io.busbar.jobs.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.busbar.jobs.store.JobStore;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Jobs kept in a Hazelcast map per collection ({@code busbar.jobs.<collection>}), replicated to the map's backups
 * (the cluster configuration gives {@code busbar.*} maps a synchronous backup): a write returns once the owner and
 * its backup have it, so the loss of any one node loses no stored job. Records are stored as JSON text, so no class
 * of Busbar's needs to be known to Hazelcast.
 */
public final class HazelcastJobStore implements JobStore {

  static final String PREFIX = "busbar.jobs.";

  private final HazelcastInstance hazelcast;

  public HazelcastJobStore(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  private IMap<String, String> map(String collection) {
    return hazelcast.getMap(PREFIX + collection);
  }

  @Override
  public List<JsonObject> loadAll(String collection) {
    List<JsonObject> records = new ArrayList<>();
    map(collection).values().forEach(text -> records.add(new JsonObject(text)));
    return records;
  }

  @Override
  public void write(String collection, List<JsonObject> upserts, List<String> deletes) {
    IMap<String, String> map = map(collection);
    if (!upserts.isEmpty()) {
      Map<String, String> batch = new HashMap<>();
      upserts.forEach(record -> batch.put(record.getString("id"), record.encode()));
      map.putAll(batch);
    }
    deletes.forEach(map::delete);
  }

  @Override
  public String kind() {
    return "hazelcast";
  }

  @Override
  public String durability() {
    int backups = hazelcast.getConfig().findMapConfig(PREFIX + "jobs").getBackupCount();
    return "replicated: a Hazelcast map with " + backups + " synchronous backup(s) across the cluster's nodes";
  }

  /** The map belongs to the cluster: nothing to release. */
  @Override
  public void close() {
  }
}
