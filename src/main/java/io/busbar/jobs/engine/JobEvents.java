package io.busbar.jobs.engine;

import io.busbar.bus.Addresses;
import io.busbar.jobs.Job;
import io.busbar.metrics.JobMeters;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the engine tells the world about jobs: events on each job's events address
 * ({@code {"event": "<state>"|"progress", "job": {...}}}), batch events ({@code completed} as each job of a batch
 * finishes, then {@code gathered} with every job in submission order), the webhook of a finished job, and meters.
 * The engine's thread only.
 */
public final class JobEvents {

  private final EventBus bus;
  private final JobMeters meters;
  private final Consumer<Job> webhooks;
  private final Map<String, Batch> batches = new HashMap<>();
  private Function<String, Job> lookup = id -> null;

  private static final class Batch {
    final String address;
    final List<String> ids;
    int finished;

    Batch(String address, List<String> ids) {
      this.address = address;
      this.ids = ids;
    }
  }

  public JobEvents(EventBus bus, JobMeters meters, Consumer<Job> webhooks) {
    this.bus = bus;
    this.meters = meters;
    this.webhooks = webhooks;
  }

  /** How to find a job by id (for gathering batches). */
  void lookup(Function<String, Job> lookup) {
    this.lookup = lookup;
  }

  void accepted(Job job) {
    meters.submitted(job.queue());
  }

  void batchStarted(String batchId, String address, List<Job> jobs) {
    batches.put(batchId, new Batch(address, jobs.stream().map(Job::id).toList()));
  }

  /** Rebuilds the bookkeeping of a batch from its recovered jobs. */
  void recoveredBatch(String batchId, List<Job> members) {
    int size = members.stream().mapToInt(Job::batchIndex).max().orElse(-1) + 1;
    List<String> ids = new ArrayList<>(Collections.nCopies(size, (String) null));
    members.forEach(m -> ids.set(m.batchIndex(), m.id()));
    Batch batch = new Batch(Addresses.Jobs.batchEventsOf(batchId), ids);
    batch.finished = (int) members.stream().filter(m -> m.state().isFinal()).count();
    batches.put(batchId, batch);
  }

  void started(Job job, long firstWaitMs) {
    meters.started(job.queue(), job.waitedMs(), firstWaitMs >= 0 ? job.predictedWaitMs() : -1);
    publish(job, job.state().wire());
  }

  void serviced(Job job, long serviceMs) {
    meters.serviced(job.queue(), job.type(), serviceMs);
  }

  void changed(Job job) {
    publish(job, job.state().wire());
  }

  /** Hands the finished job's webhook, if it has one, to the sender. */
  void webhook(Job job) {
    if (job.webhook() != null) {
      webhooks.accept(job);
    }
  }

  void progress(Job job) {
    publish(job, "progress");
  }

  void finished(Job job) {
    meters.finished(job.queue(), job.type(), job.state().wire());
    webhook(job);
    if (job.batchId() == null) {
      return;
    }
    Batch batch = batches.get(job.batchId());
    if (batch == null) {
      return;
    }
    batch.finished++;
    bus.publish(batch.address, new JsonObject().put("event", "completed").put("batchId", job.batchId())
        .put("index", job.batchIndex()).put("job", job.toEventJson()));
    if (batch.finished >= batch.ids.size()) {
      bus.publish(batch.address, gathered(job.batchId(), batch));
    }
  }

  private JsonObject gathered(String batchId, Batch batch) {
    JsonArray all = new JsonArray();
    batch.ids.forEach(id -> {
      Job member = id == null ? null : lookup.apply(id);
      all.add(member == null ? null : member.toEventJson());
    });
    return new JsonObject().put("event", "gathered").put("batchId", batchId).put("jobs", all);
  }

  /** Publishes a batch's events again: {@code completed} for each finished job, then {@code gathered} if all are. */
  void replayBatch(String batchId) {
    Batch batch = batches.get(batchId);
    if (batch == null) {
      return;
    }
    for (String id : batch.ids) {
      Job member = id == null ? null : lookup.apply(id);
      if (member != null && member.state().isFinal()) {
        bus.publish(batch.address, new JsonObject().put("event", "completed").put("batchId", batchId)
            .put("index", member.batchIndex()).put("job", member.toEventJson()));
      }
    }
    if (batch.finished >= batch.ids.size()) {
      bus.publish(batch.address, gathered(batchId, batch));
    }
  }

  void expired(Job job) {
    meters.expired(job.queue());
    if (job.batchId() != null) {
      batches.remove(job.batchId());   // the batch is kept, for replays, until its first job expires
    }
  }

  private void publish(Job job, String event) {
    bus.publish(job.eventsAddress(), new JsonObject().put("event", event).put("job", job.toEventJson()));
  }
}
