package io.busbar.jobs;

import io.busbar.bus.Addresses;
import io.busbar.bus.FailureCode;
import io.busbar.bus.Identity;
import io.busbar.config.JobsConfig;
import io.busbar.config.BusbarConfig;
import io.busbar.config.QueueConfig;
import io.busbar.jobs.engine.JobEngine;
import io.busbar.jobs.engine.JobEvents;
import io.busbar.jobs.cluster.ClusteredJobs;
import io.busbar.jobs.store.JobStores;
import io.busbar.jobs.webhook.WebhookOptions;
import io.busbar.jobs.webhook.WebhookSender;
import io.busbar.support.Numbers;
import io.busbar.metrics.JobMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the job platform's addresses ({@link Addresses.Jobs}) to a {@link JobEngine}. Deploy exactly one instance
 * per node, after the {@link JobHandlerVerticle}s (its descriptor has a higher {@code order}).
 */
public final class JobsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobsVerticle.class);

  private JobsConfig config;
  private JobEngine engine;
  private WebhookSender webhooks;
  private JobEvents events;
  private JobMeters meters;
  private final List<MessageConsumer<?>> bound = new ArrayList<>();
  private ClusteredJobs cluster;

  @Override
  public Future<?> start() {
    BusbarConfig busbar = BusbarConfig.from(config());
    config = busbar.jobs();
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    webhooks = new WebhookSender(vertx, WebhookOptions.of(config.webhook().secret(), config.webhook().maxAttempts(),
        config.webhook().initialBackoffMs(), config.webhook().maxBackoffMs(), config.webhook().timeoutMs(),
        WebhookOptions.DEFAULT_MAX_IN_FLIGHT, WebhookOptions.DEFAULT_MAX_QUEUED),
        registry == null ? new CompositeMeterRegistry() : registry);
    meters = JobMeters.get();
    events = new JobEvents(vertx.eventBus(), meters, this::deliverWebhook);
    if (vertx.isClustered()) {
      cluster = new ClusteredJobs(vertx, context, config, busbar.node(), JobHandlers.of(vertx), meters,
          events, this::serve, this::unserve);
      return cluster.start();
    }
    return vertx.executeBlocking(() -> JobStores.open(config.store(), Path.of(config.dataDir()), config.fsync()))
        .compose(store -> {
          JobEngine local = JobEngine.local(vertx, context, config, store, JobHandlers.of(vertx), events, meters);
          local.registerMeters(meters);
          return local.start().compose(v -> serve(local)).onSuccess(v -> LOG.info(
              "jobs engine started: queues {}, store {}", config.queues().keySet(), config.store()));
        });
  }

  /** Binds the job platform's addresses to {@code engine}: this node now schedules. */
  private Future<Void> serve(JobEngine engine) {
    this.engine = engine;
    List<Future<?>> registered = new ArrayList<>();
    registered.add(bind(Addresses.Jobs.SUBMIT, m -> submit(m)));
    registered.add(bind(Addresses.Jobs.GET, m -> engine.get(id(m.body()), waitMs(m.body())).map(Job::toJson)));
    registered.add(bind(Addresses.Jobs.CANCEL, m -> authorized(m, engine::cancel)));
    registered.add(bind(Addresses.Jobs.RETRY, m -> authorized(m, engine::retry)));
    registered.add(bind(Addresses.Jobs.LIST, m -> Future.succeededFuture(list(m.body()))));
    registered.add(bind(Addresses.Jobs.BATCH, this::batch));
    registered.add(bind(Addresses.Jobs.QUEUES, m -> Future.succeededFuture(engine.queueStats())));
    MessageConsumer<JsonObject> replay = vertx.eventBus().consumer(Addresses.Jobs.REPLAY, m -> replay(m.body()));
    bound.add(replay);
    registered.add(replay.completion());
    return Future.all(registered).mapEmpty();
  }

  /** Unbinds the addresses: this node no longer schedules. */
  private Future<Void> unserve() {
    List<Future<Void>> unregistered = new ArrayList<>();
    bound.forEach(c -> unregistered.add(c.unregister()));
    bound.clear();
    engine = null;
    return Future.join(unregistered).mapEmpty();
  }

  private Future<Void> bind(String address, Function<Message<Object>, Future<JsonObject>> operation) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, (Message<Object> message) -> {
      Future<JsonObject> result;
      try {
        result = operation.apply(message);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onSuccess(message::reply).onFailure(e -> fail(message, e));
    });
    bound.add(consumer);
    return consumer.completion();
  }

  private static void fail(Message<Object> message, Throwable error) {
    if (error instanceof InvalidJobException) {
      message.fail(FailureCode.BAD_REQUEST.code(), error.getMessage());
    } else if (error instanceof ReplyException r) {
      message.fail(r.failureCode(), r.getMessage());
    } else {
      LOG.error("job operation on {} failed", message.address(), error);
      message.fail(FailureCode.INTERNAL.code(), "internal error");
    }
  }

  private static JsonObject object(Object body) {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw new InvalidJobException("body", "must be a JSON object");
  }

  private static String id(Object body) {
    Object id = object(body).getValue("id");
    if (!(id instanceof String s) || s.isEmpty()) {
      throw new InvalidJobException("id", "required: the job's id");
    }
    return s;
  }

  private long waitMs(Object body) {
    Object value = object(body).getValue("waitMs", 0);
    if (!Numbers.isWholeIn(value, 0, config.maxWaitMs())) {
      throw new InvalidJobException("waitMs", "must be a whole number of ms from 0 to " + config.maxWaitMs());
    }
    return ((Number) value).longValue();
  }

  private JsonObject list(Object body) {
    JsonObject query = object(body);
    Object stateName = query.getValue("state");
    JobState state = stateName == null ? null : JobState.fromWire(String.valueOf(stateName));
    if (stateName != null && state == null) {
      throw new InvalidJobException("state", "must be one of queued, running, succeeded, failed, timed_out, "
          + "cancelled, dead_lettered");
    }
    Object queue = query.getValue("queue");
    if (queue != null && !(queue instanceof String)) {
      throw new InvalidJobException("queue", "must be a string");
    }
    return engine.list((String) queue, state, bounded(query, "limit", 50, 1, 1000),
        bounded(query, "offset", 0, 0, Integer.MAX_VALUE));
  }

  private static int bounded(JsonObject query, String field, int fallback, int min, int max) {
    Object value = query.getValue(field, fallback);
    if (!(value instanceof Integer n) || n < min || n > max) {
      throw new InvalidJobException(field, "must be a whole number from " + min + " to " + max);
    }
    return n;
  }

  private Future<JsonObject> submit(Message<Object> message) {
    JobSpec spec = JobSpec.fromJson(message.body(), config);
    checkQueueAuthority(spec.queue(), Identity.of(message.headers()));
    return engine.submit(spec);
  }

  /** An operation on an existing job, allowed when the caller may use the job's queue. */
  private Future<JsonObject> authorized(Message<Object> message, Function<String, Future<Job>> operation) {
    String id = id(message.body());
    Identity caller = Identity.of(message.headers());
    return engine.get(id, 0).compose(job -> {
      checkQueueAuthority(job.queue(), caller);
      return operation.apply(id);
    }).map(Job::toJson);
  }

  /**
   * Outside callers (messages that carry an {@link Identity}) need the queue's authority, when it names one; callers
   * inside the node or cluster are trusted.
   */
  private void checkQueueAuthority(String queue, Identity caller) {
    QueueConfig queueConfig = config.queues().get(queue);
    if (caller != null && queueConfig != null && queueConfig.authority() != null
        && !caller.has(queueConfig.authority())) {
      throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCode.FORBIDDEN.code(),
          "queue \"" + queue + "\" needs the authority \"" + queueConfig.authority() + "\"");
    }
  }

  private Future<JsonObject> batch(Message<Object> message) {
    Object body = message.body();
    Object jobs = object(body).getValue("jobs");
    if (!(jobs instanceof JsonArray array) || array.isEmpty() || array.size() > config.maxBatch()) {
      throw new InvalidJobException("jobs", "must be an array of 1 to " + config.maxBatch() + " jobs");
    }
    List<JobSpec> specs = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      try {
        specs.add(JobSpec.fromJson(array.getValue(i), config));
      } catch (InvalidJobException e) {
        throw new InvalidJobException("jobs[" + i + "]." + e.field(), e.getMessage().substring(e.field().length() + 2));
      }
    }
    Identity caller = Identity.of(message.headers());
    specs.forEach(spec -> checkQueueAuthority(spec.queue(), caller));
    String batchId = UUID.randomUUID().toString();
    return engine.submitBatch(specs, batchId, Addresses.Jobs.batchEventsOf(batchId));
  }

  private void replay(JsonObject body) {
    String address = body == null ? null : body.getString("address");
    if (address != null && address.startsWith(Addresses.Jobs.EVENTS_PREFIX)) {
      engine.replay(address.substring(Addresses.Jobs.EVENTS_PREFIX.length()));
    } else if (address != null && address.startsWith(Addresses.Jobs.BATCH_EVENTS_PREFIX)) {
      engine.replayBatch(address.substring(Addresses.Jobs.BATCH_EVENTS_PREFIX.length()));
    }
  }

  /**
   * Sends a finished job's webhook; once delivered or given up, the scheduler forgets it. One cut short because this
   * node stops stays pending in the store, and the next scheduler sends it again with the same
   * {@code Busbar-Delivery} id (the job's id and final state).
   */
  private void deliverWebhook(Job job) {
    String event = "job." + job.state().wire();
    webhooks.deliver(job.id() + "." + job.state().wire(), job.webhook(), event, job.toJson()).onComplete(ar -> {
      if (ar.succeeded() && !ar.result().delivered()) {
        if (WebhookSender.CLOSED.equals(ar.result().lastError())) {
          return;   // this node is stopping: left pending for the next scheduler
        }
        LOG.warn("webhook of job {} not delivered after {} attempts: {}", job.id(), ar.result().attempts(),
            ar.result().lastError());
      }
      JobEngine current = engine;
      if (current != null) {
        current.webhookSettled(job.id());
      }
    });
  }

  @Override
  public Future<?> stop() {
    if (cluster != null) {
      return cluster.stop().eventually(() -> webhooks.close());
    }
    if (engine == null) {
      return Future.succeededFuture();
    }
    JobEngine stopping = engine;
    return unserve().eventually(() -> webhooks.close()).eventually(() -> vertx.executeBlocking(() -> {
      stopping.close();
      return null;
    }));
  }
}
