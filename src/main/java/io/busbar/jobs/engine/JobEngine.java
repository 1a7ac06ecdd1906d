package io.busbar.jobs.engine;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.NoArgGenerator;
import io.busbar.bus.FailureCode;
import io.busbar.bus.RetryAfter;
import io.busbar.config.JobsConfig;
import io.busbar.config.QueueConfig;
import io.busbar.jobs.InvalidJobException;
import io.busbar.jobs.Job;
import io.busbar.jobs.JobHandlers;
import io.busbar.jobs.JobReceipt;
import io.busbar.jobs.JobSpec;
import io.busbar.jobs.JobState;
import io.busbar.jobs.model.ServiceTimeEstimator;
import io.busbar.jobs.store.JobStore;
import io.busbar.metrics.JobMeters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job state machine of a node: accepts jobs, keeps them in their queues, runs them on their pools, times them
 * out, retries them with backoff, dead-letters them, and keeps finished ones for their TTL. Every method must be
 * called on the engine's context (the jobs verticle's event loop); only handlers run elsewhere, and their ends come
 * back to that context. Writes go through the {@link StoreWriter}; a submission is answered only once its job is in
 * the store.
 */
public final class JobEngine implements AttemptListener {

  private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
  private static final String JOBS = "jobs";
  /** Webhooks of finished jobs not yet settled (delivered, or given up): {"id": job id, "job": the job}. */
  private static final String WEBHOOKS = "webhooks";
  private static final long MAX_BACKOFF_MS = 3_600_000;
  private static final long DEFAULT_COST_MS = 100;
  /**
   * Job ids: UUIDs of version 7, which begin with their creation time, so that jobs accepted together sit together
   * in the store's B-tree (a random UUID sends every write to a different page).
   */
  private static final NoArgGenerator JOB_IDS = Generators.timeBasedEpochGenerator();

  private final Vertx vertx;
  private final Context context;
  private final JobsConfig config;
  private final JobEvents events;
  private final Workers workers;
  private final boolean storeRunning;
  private long leaseFloor;
  private final Map<String, QueueRuntime> queues = new LinkedHashMap<>();
  private final Map<String, Job> jobs = new HashMap<>();
  private final Map<String, String> idempotency = new HashMap<>();
  private final Map<String, Long> timeouts = new HashMap<>();
  private final Map<String, List<Promise<Job>>> waiters = new HashMap<>();
  /** Jobs whose final state is not in the store yet → the state they had before, which is what readers see. */
  private final Map<String, Job> unstored = new HashMap<>();
  private final ServiceTimeEstimator estimates = ServiceTimeEstimator.withHalfLife(50);
  private final Expiry expiry = new Expiry();
  private final StoreWriter writer;
  private final JobStore store;
  private final List<Long> timers = new ArrayList<>();
  private final Set<QueueRuntime> rateLimited = new HashSet<>();
  private long dueTimer = -1;
  private long dueTimerAt = Long.MAX_VALUE;
  private boolean closed;

  /**
   * An engine whose attempts run on this node's pools; a job running when the node stopped runs again.
   */
  public static JobEngine local(Vertx vertx, Context context, JobsConfig config, JobStore store,
      JobHandlers handlers, JobEvents events, JobMeters meters) {
    return new JobEngine(vertx, context, config, store, events, listener -> {
      LocalRunner runner = new LocalRunner(vertx, context, config.pools(), handlers, config.progressIntervalMs(),
          listener);
      if (meters != null) {
        runner.registerMeters(meters);
      }
      return new LocalWorkers(runner);
    }, false, 0);
  }

  /**
   * @param workers makes the workers that run the attempts, given the engine as their listener
   * @param storeRunning whether a started attempt is written to the store (so that a successor scheduler can adopt
   *     it while its worker lives on)
   * @param leaseFloor the least lease a started attempt gets: a scheduler that takes over from another starts
   *     above every lease its predecessor can have given
   */
  public JobEngine(Vertx vertx, Context context, JobsConfig config, JobStore store, JobEvents events,
      Function<AttemptListener, Workers> workers, boolean storeRunning, long leaseFloor) {
    this.vertx = vertx;
    this.context = context;
    this.config = config;
    this.events = events;
    this.store = store;
    this.storeRunning = storeRunning;
    this.leaseFloor = leaseFloor;
    this.writer = new StoreWriter(store, context);
    this.workers = workers.apply(this);
    for (QueueConfig queue : config.queues().values()) {
      queues.put(queue.name(), new QueueRuntime(queue, this.workers.pool(queue.pool()), System::currentTimeMillis));
    }
    events.lookup(jobs::get);
  }

  /** Exports the queues' live measurements as gauges. */
  public void registerMeters(JobMeters meters) {
    store.registerMeters(meters);
    queues.values().forEach(q -> meters.registerQueue(q.name(), q::waitingCount, q::runningCount, q::arrivalRate,
        q::completionRate, () -> nanToZero(q.serviceRate()), q::utilisation, () -> q.modelWaitMs() / 1000));
  }

  private static double nanToZero(double value) {
    return Double.isNaN(value) ? 0 : value;
  }

  /** Recovers the stored jobs (blocking reads on a worker thread) and starts the engine's timers. */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> List.of(store.loadAll(JOBS), store.loadAll(WEBHOOKS))).map(loaded -> {
      recover(loaded.get(0));
      loaded.get(1).forEach(pending -> resendPending(Job.fromJson(pending.getJsonObject("job"))));
      timers.add(vertx.setPeriodic(250, t -> adjustPools()));
      timers.add(vertx.setPeriodic(1_000, t -> expireFinished()));
      dispatch();
      return null;
    });
  }

  /**
   * A webhook whose node stopped or died before it was settled goes out again (at least once), if the end it
   * tells of is the one stored: its job is stored with that end, or is no longer stored (it ended and expired). A
   * pending webhook is written before its job's end, so a node that died between the two leaves the job stored
   * unfinished: it runs again, and its new end brings a webhook of its own; the old one is dropped unsent.
   */
  private void resendPending(Job finished) {
    Job stored = jobs.get(finished.id());
    if (stored == null || (stored.state() == finished.state() && stored.finishedAt() == finished.finishedAt())) {
      events.webhook(finished);
    } else {
      LOG.info("job {} is stored {}: the webhook of an end that was never stored is dropped", finished.id(),
          stored.state().wire());
      writer.delete(WEBHOOKS, finished.id());
    }
  }

  /**
   * Rebuilds the working set from the store. A job is stored in the states it waits or ends in, never as running,
   * so a job whose node died while it ran comes back queued with the attempts it had before: it runs again, and the
   * interrupted attempt does not count.
   */
  private void recover(List<JsonObject> records) {
    int waiting = 0;
    Map<String, List<Job>> batchMembers = new HashMap<>();
    List<Job> recovered = new ArrayList<>();
    records.forEach(r -> recovered.add(Job.fromJson(r)));
    // Arrival order, so that a FCFS queue comes back in the order its jobs were accepted.
    recovered.sort((a, b) -> Long.compare(a.createdAt(), b.createdAt()));
    for (Job job : recovered) {
      QueueRuntime queue = queues.get(job.queue());
      if (queue == null || job.state() == null) {
        LOG.warn("stored job {} is left in the store: its queue \"{}\" is not declared", job.id(), job.queue());
        continue;
      }
      jobs.put(job.id(), job);
      if (job.idempotencyKey() != null) {
        idempotency.put(job.idempotencyKey(), job.id());
      }
      if (job.batchId() != null) {
        batchMembers.computeIfAbsent(job.batchId(), b -> new ArrayList<>()).add(job);
      }
      leaseFloor = Math.max(leaseFloor, job.lease() + 1);
      if (job.state().isFinal()) {
        expiry.add(job);
      } else if (job.state() == JobState.RUNNING) {
        // Stored only by a clustered scheduler: the attempt may live on in a worker node; the workers adopt it or
        // report it lost.
        queue.countRunning(1);
        armTimeout(job);
        workers.adopt(job.id(), job.lease(), queue.config().pool());
      } else {
        queue.countWaiting(1);
        enqueue(queue, job);
        waiting++;
      }
    }
    batchMembers.forEach(events::recoveredBatch);
    LOG.info("recovered {} jobs, {} of them to run (again), from the {} store", records.size(), waiting,
        store.kind());
  }

  // ---------------------------------------------------------------------------------------------- operations

  /** Accepts a job; the receipt comes once it is stored. */
  public Future<JsonObject> submit(JobSpec spec) {
    try {
      String existing = spec.idempotencyKey() == null ? null : idempotency.get(spec.idempotencyKey());
      if (existing != null && jobs.containsKey(existing)) {
        Job earlier = jobs.get(existing);
        return Future.succeededFuture(receipt(earlier, queues.get(earlier.queue())));
      }
      QueueRuntime queue = admit(spec, 1);
      Job job = accept(spec, queue, null, -1);
      return writer.put(JOBS, job.toJson()).map(v -> receipt(jobs.getOrDefault(job.id(), job), queue));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Accepts jobs as one batch: all of them or, when one is invalid or a queue is full, none. */
  public Future<JsonObject> submitBatch(List<JobSpec> specs, String batchId, String eventsAddress) {
    try {
      Map<String, Integer> perQueue = new HashMap<>();
      specs.forEach(s -> perQueue.merge(s.queue(), 1, Integer::sum));
      for (int i = 0; i < specs.size(); i++) {
        try {
          admit(specs.get(i), perQueue.get(specs.get(i).queue()));
        } catch (InvalidJobException e) {
          throw new InvalidJobException("jobs[" + i + "]." + e.field(), e.getMessage().substring(e.field().length() + 2));
        }
      }
      List<Job> accepted = new ArrayList<>();
      List<Future<Void>> writes = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        Job job = accept(specs.get(i), queues.get(specs.get(i).queue()), batchId, i);
        accepted.add(job);
        writes.add(writer.put(JOBS, job.toJson()));
      }
      events.batchStarted(batchId, eventsAddress, accepted);
      return Future.all(writes).map(v -> {
        JsonArray receipts = new JsonArray();
        accepted.forEach(j -> receipts.add(receipt(jobs.getOrDefault(j.id(), j), queues.get(j.queue()))));
        return new JsonObject().put("batchId", batchId).put("eventsAddress", eventsAddress).put("jobs", receipts);
      });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private QueueRuntime admit(JobSpec spec, int count) {
    QueueRuntime queue = queues.get(spec.queue());
    if (queue == null) {
      throw new InvalidJobException("queue", "no queue \"" + spec.queue() + "\" (queues: "
          + String.join(", ", queues.keySet()) + ")");
    }
    if (!workers.handles(spec.type())) {
      throw new InvalidJobException("type", "no handler for job type \"" + spec.type() + "\" (registered: "
          + String.join(", ", workers.types()) + ")");
    }
    if (queue.waitingCount() + count > queue.config().maxQueued()) {
      long retryAfter = Math.max(1_000, queue.etaMs(queue.waitingCount(), costOf(spec.type(), spec.costMs())));
      throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCode.TOO_MANY_REQUESTS.code(),
          RetryAfter.format("queue \"" + queue.name() + "\" is full (" + queue.config().maxQueued() + " jobs)",
              retryAfter));
    }
    return queue;
  }

  private Job accept(JobSpec spec, QueueRuntime queue, String batchId, int batchIndex) {
    long now = System.currentTimeMillis();
    String id = JOB_IDS.generate().toString();
    double cost = costOf(spec.type(), spec.costMs());
    Job queued = spec.toJob(id, now, 0, batchId, batchIndex);
    queue.arrived();
    queue.countWaiting(1);
    enqueue(queue, queued);
    // The jobs ahead of it: where it landed in its queue's order (a priority or sjf queue puts it before the
    // lower-ranked ones), or, while it waits for its run-at time, every ready job.
    int ahead = queued.runAt() > now ? queue.readyCount() : queue.position(id);
    Job job = queued.toBuilder().predictedWaitMs(spec.delayMs() + queue.etaMs(ahead, cost)).build();
    jobs.put(id, job);
    if (job.idempotencyKey() != null) {
      idempotency.put(job.idempotencyKey(), id);
    }
    events.accepted(job);
    dispatchSoon();
    return job;
  }

  private JsonObject receipt(Job job, QueueRuntime queue) {
    boolean waiting = job.state() == JobState.QUEUED;
    return new JobReceipt(job.id(), job.state().wire(), job.queue(), waiting ? queue.position(job.id()) : 0,
        waiting ? job.predictedWaitMs() : 0, job.eventsAddress()).toJson();
  }

  /** The job; with {@code waitMs} > 0 and the job not final, answers when it becomes final or the wait ends. */
  public Future<Job> get(String id, long waitMs) {
    Job job = visible(id);
    if (job == null) {
      return Future.failedFuture(notFound(id));
    }
    if (job.state().isFinal() || waitMs <= 0) {
      return Future.succeededFuture(job);
    }
    Promise<Job> promise = Promise.promise();
    waiters.computeIfAbsent(id, k -> new ArrayList<>()).add(promise);
    long timer = vertx.setTimer(waitMs, t -> {
      List<Promise<Job>> list = waiters.get(id);
      if (list != null && list.remove(promise) && list.isEmpty()) {
        waiters.remove(id);
      }
      Job now = visible(id);
      promise.tryComplete(now != null ? now : job);
    });
    return promise.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** The job as readers may see it: a final state only once it is stored. */
  private Job visible(String id) {
    Job stored = jobs.get(id);
    return stored == null ? null : visible(stored);
  }

  /** {@code job} as readers may see it: the state it had before, while its final state is not stored yet. */
  private Job visible(Job job) {
    return unstored.getOrDefault(job.id(), job);
  }

  /** Cancels a job that is not final; a running job's thread is interrupted. */
  public Future<Job> cancel(String id) {
    Job job = jobs.get(id);
    if (job == null) {
      return Future.failedFuture(notFound(id));
    }
    if (job.state().isFinal()) {
      return Future.failedFuture(conflict("job " + id + " is already " + job.state().wire()));
    }
    QueueRuntime queue = queues.get(job.queue());
    if (job.state() == JobState.RUNNING) {
      stopAttempt(job);
      queue.countRunning(-1);
    } else {
      queue.removeReady(id);
      queue.countWaiting(-1);
    }
    return finish(job.toBuilder().error("cancelled", "cancelled on request"), JobState.CANCELLED);
  }

  /** Queues a dead-lettered job again, with its attempts reset. */
  public Future<Job> retry(String id) {
    Job job = jobs.get(id);
    if (job == null) {
      return Future.failedFuture(notFound(id));
    }
    if (job.state() != JobState.DEAD_LETTERED) {
      return Future.failedFuture(conflict("only a dead_lettered job can be retried; job " + id + " is "
          + job.state().wire()));
    }
    QueueRuntime queue = queues.get(job.queue());
    Job again = job.toBuilder().state(JobState.QUEUED).attempts(0).runAt(System.currentTimeMillis()).finishedAt(0)
        .build();
    jobs.put(id, again);
    queue.countWaiting(1);
    enqueue(queue, again);
    events.changed(again);
    dispatchSoon();
    return writer.put(JOBS, again.toJson()).map(again);
  }

  /** A page of jobs, newest first, optionally of one queue and one state. */
  public JsonObject list(String queue, JobState state, int limit, int offset) {
    List<Job> matching = new ArrayList<>();
    for (Job stored : jobs.values()) {
      Job job = visible(stored);
      if ((queue == null || queue.equals(job.queue())) && (state == null || state == job.state())) {
        matching.add(job);
      }
    }
    matching.sort((a, b) -> Long.compare(b.createdAt(), a.createdAt()));
    JsonArray page = new JsonArray();
    matching.stream().skip(offset).limit(limit).forEach(j -> page.add(j.toJson()));
    return new JsonObject().put("jobs", page).put("total", matching.size()).put("offset", offset).put("limit", limit);
  }

  /** Per-queue statistics. */
  public JsonObject queueStats() {
    JsonArray list = new JsonArray();
    queues.values().forEach(q -> list.add(q.stats()));
    return new JsonObject().put("queues", list).put("store", store.kind()).put("durability", store.durability())
        .put("handlers", new JsonArray(new ArrayList<>(workers.types()))).put("workers", workers.nodes());
  }

  /** Publishes a job's current state again, for a client that (re)registered on its events address. */
  public void replay(String jobId) {
    Job job = jobs.get(jobId);
    if (job != null) {
      events.changed(job);
    }
  }

  /** Publishes a batch's events again, for a client that (re)registered on its events address. */
  public void replayBatch(String batchId) {
    events.replayBatch(batchId);
  }

  // ---------------------------------------------------------------------------------------------- running

  /** Puts a waiting job in line: ready now if it is queued and due, else held until its time (which also turns a
   * failed or timed-out job back into a queued one). */
  private void enqueue(QueueRuntime queue, Job job) {
    if (job.state() != JobState.QUEUED || job.runAt() > System.currentTimeMillis()) {
      queue.delay(job);
      scheduleDue(job.runAt());
    } else {
      queue.makeReady(job, costOf(job.type(), job.costMs()));
    }
  }

  private double costOf(String type, Double costMs) {
    return costMs != null ? costMs : estimates.estimateOr(type, DEFAULT_COST_MS);
  }

  private boolean dispatchScheduled;
  private int dispatchCursor;

  /** Dispatches after the current event, so a burst of submissions is dispatched once. */
  private void dispatchSoon() {
    if (!dispatchScheduled) {
      dispatchScheduled = true;
      context.runOnContext(v -> {
        dispatchScheduled = false;
        dispatch();
      });
    }
  }

  private void dispatch() {
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    // Round robin, resumed where the last job was started: queues sharing a pool take turns.
    List<QueueRuntime> order = List.copyOf(queues.values());
    boolean started = true;
    while (started) {
      started = false;
      for (int i = 0; i < order.size(); i++) {
        int index = (dispatchCursor + i) % order.size();
        QueueRuntime queue = order.get(index);
        if (queue.readyCount() == 0 || rateLimited.contains(queue)) {
          continue;
        }
        Job next = jobs.get(queue.peekReady());
        if (next != null && !workers.hasSlot(queue.config().pool(), next.type())) {
          continue;
        }
        if (!queue.takeToken()) {
          rateLimited.add(queue);
          vertx.setTimer(queue.msUntilToken(), t -> {
            rateLimited.remove(queue);
            dispatch();
          });
          continue;
        }
        Job job = jobs.get(queue.pollReady());
        if (job != null && job.state() == JobState.QUEUED) {
          start(queue, job, now);
          dispatchCursor = index + 1;
        }
        started = true;
      }
    }
  }

  private void start(QueueRuntime queue, Job job, long now) {
    int attemptNo = job.attempts() + 1;
    long lease = Math.max(job.lease() + 1, leaseFloor);
    Job started = job.toBuilder().state(JobState.RUNNING).attempts(attemptNo).startedAt(now).lease(lease)
        .progress(0, null).build();
    jobs.put(job.id(), started);
    queue.countWaiting(-1);
    queue.countRunning(1);
    long waited = started.waitedMs();
    queue.started(waited);
    workers.observeWait(queue.config().pool(), waited);
    events.started(started, attemptNo == 1 ? waited : -1);
    if (storeRunning) {
      writer.put(JOBS, started.toJson());
    }
    // Otherwise not written: after a crash a stored job runs again whether it was queued or running, so the store
    // only needs the states a job waits or ends in. That saves a third of the writes.
    long deadline = job.timeoutMs() > 0 ? now + job.timeoutMs() : Long.MAX_VALUE;
    armTimeout(started);
    workers.start(new AttemptOrder(job.id(), job.type(), queue.config().pool(), job.payload(), attemptNo, deadline,
        lease));
  }

  private void armTimeout(Job running) {
    if (running.timeoutMs() > 0) {
      long left = Math.max(1, running.startedAt() + running.timeoutMs() - System.currentTimeMillis());
      timeouts.put(running.id(), vertx.setTimer(left, t -> timedOut(running.id(), running.lease())));
    }
  }

  /** Forgets a running attempt's timeout and interrupts it. */
  private void stopAttempt(Job job) {
    Long timer = timeouts.remove(job.id());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    workers.cancel(job.id(), job.lease());
  }

  @Override
  public Future<Void> ended(String id, long lease, Outcome outcome) {
    Job job = jobs.get(id);
    if (job == null || job.state() != JobState.RUNNING || job.lease() != lease) {
      dispatch();   // a stale end: the attempt was cancelled, timed out or lost before it returned
      return Future.succeededFuture();
    }
    Long timer = timeouts.remove(id);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    QueueRuntime queue = queues.get(job.queue());
    queue.countRunning(-1);
    if (Outcome.NO_HANDLER.equals(outcome.errorKind())) {
      Future<Void> stored = attemptFailed(job, JobState.FAILED, Outcome.NO_HANDLER, outcome.errorMessage());
      dispatch();
      return stored;
    }
    long serviceMs = System.currentTimeMillis() - job.startedAt();
    queue.completed(serviceMs);
    estimates.observe(job.type(), serviceMs);
    events.serviced(job, serviceMs);
    Future<Void> stored;
    if (outcome.isSuccess()) {
      String message = outcome.progressMessage() != null ? outcome.progressMessage() : job.progressMessage();
      stored = finish(job.toBuilder().result(outcome.result()).error(null, null).progress(1, message),
          JobState.SUCCEEDED).mapEmpty();
    } else {
      stored = attemptFailed(job, JobState.FAILED, Outcome.FAILED, outcome.errorMessage());
    }
    dispatch();
    return stored;
  }

  /**
   * The attempt's worker is gone without an end: the job waits in its queue again, and the lost attempt does not
   * count against its attempts (as after a crash of a single node).
   */
  @Override
  public void lost(String id, long lease) {
    Job job = jobs.get(id);
    if (job == null || job.state() != JobState.RUNNING || job.lease() != lease) {
      return;
    }
    Long timer = timeouts.remove(id);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    QueueRuntime queue = queues.get(job.queue());
    queue.countRunning(-1);
    Job again = job.toBuilder().state(JobState.QUEUED).attempts(Math.max(0, job.attempts() - 1))
        .runAt(System.currentTimeMillis()).progress(0, null).build();
    jobs.put(id, again);
    queue.countWaiting(1);
    enqueue(queue, again);
    events.changed(again);
    writer.put(JOBS, again.toJson());
    LOG.info("job {} lost its worker (lease {}); queued again", id, lease);
    dispatchSoon();
  }

  private void timedOut(String id, long lease) {
    Job job = jobs.get(id);
    if (job == null || job.state() != JobState.RUNNING || job.lease() != lease) {
      return;
    }
    stopAttempt(job);
    queues.get(job.queue()).countRunning(-1);
    attemptFailed(job, JobState.TIMED_OUT, "timed_out", "timed out after " + job.timeoutMs() + " ms");
  }

  /**
   * An attempt failed: back in the queue after a backoff while attempts remain, else dead-lettered. Completes once the
   * job's new state is stored.
   */
  private Future<Void> attemptFailed(Job job, JobState state, String kind, String message) {
    long now = System.currentTimeMillis();
    if (job.attempts() < job.maxAttempts()) {
      long base = Math.min(MAX_BACKOFF_MS, job.backoffMs() << Math.min(30, job.attempts() - 1));
      long delay = base / 2 + (base > 1 ? ThreadLocalRandom.current().nextLong(base / 2 + 1) : 0);
      Job waiting = job.toBuilder().state(state).runAt(now + delay).finishedAt(now).error(kind, message).build();
      jobs.put(job.id(), waiting);
      QueueRuntime queue = queues.get(job.queue());
      queue.countWaiting(1);
      queue.delay(waiting);
      scheduleDue(waiting.runAt());
      events.changed(waiting);
      return writer.put(JOBS, waiting.toJson());
    }
    events.changed(job.toBuilder().state(state).finishedAt(now).error(kind, message).build());
    return finish(job.toBuilder().error(kind, message), JobState.DEAD_LETTERED).mapEmpty();
  }

  /**
   * Records the job's final state and, once that is in the store, tells the world: its event, its webhook, its
   * batch and its long polls. Never before: a node that dies between the two would run the job again on recovery
   * (or on another node), and a completion announced twice with two results is what at-least-once must not show.
   */
  private Future<Job> finish(Job.Builder builder, JobState state) {
    Job done = builder.state(state).finishedAt(System.currentTimeMillis()).build();
    Job before = jobs.put(done.id(), done);
    if (before != null) {
      unstored.put(done.id(), before);
    }
    expiry.add(done);
    if (done.webhook() != null) {
      // Before the job itself: a job stored as finished always has its webhook stored as pending.
      writer.put(WEBHOOKS, new JsonObject().put("id", done.id()).put("job", done.toJson()));
    }
    return writer.put(JOBS, done.toJson())
        .andThen(ar -> unstored.remove(done.id()))
        .onSuccess(v -> announceFinished(done))
        .onFailure(e -> LOG.error("job {} is {} but could not be stored; it is not announced", done.id(),
            done.state().wire(), e))
        .map(done);
  }

  private void announceFinished(Job done) {
    events.changed(done);
    events.finished(done);
    List<Promise<Job>> waiting = waiters.remove(done.id());
    if (waiting != null) {
      waiting.forEach(p -> p.tryComplete(done));
    }
  }

  /** The webhook of job {@code id} was delivered or given up: it is not sent again after a restart. */
  public void webhookSettled(String id) {
    writer.delete(WEBHOOKS, id);
  }

  @Override
  public void progress(String id, long lease, double fraction, String message) {
    Job job = jobs.get(id);
    if (job != null && job.state() == JobState.RUNNING && job.lease() == lease) {
      Job updated = job.toBuilder().progress(fraction, message).build();
      jobs.put(id, updated);
      events.progress(updated);
    }
  }

  // ---------------------------------------------------------------------------------------------- timers

  private void scheduleDue(long runAt) {
    if (runAt >= dueTimerAt) {
      return;
    }
    if (dueTimer >= 0) {
      vertx.cancelTimer(dueTimer);
    }
    dueTimerAt = runAt;
    dueTimer = vertx.setTimer(Math.max(1, runAt - System.currentTimeMillis()), t -> releaseDue());
  }

  private void releaseDue() {
    dueTimer = -1;
    dueTimerAt = Long.MAX_VALUE;
    long now = System.currentTimeMillis();
    long next = Long.MAX_VALUE;
    for (QueueRuntime queue : queues.values()) {
      QueueRuntime.Due due;
      while ((due = queue.pollDue(now)) != null) {
        Job job = jobs.get(due.id());
        if (job != null && job.lease() == due.lease() && !job.state().isFinal() && job.state() != JobState.RUNNING) {
          Job ready = job.state() == JobState.QUEUED ? job : job.toBuilder().state(JobState.QUEUED).build();
          if (ready != job) {
            jobs.put(ready.id(), ready);
            events.changed(ready);
            writer.put(JOBS, ready.toJson());
          }
          queue.makeReady(ready, costOf(ready.type(), ready.costMs()));
        }
      }
      next = Math.min(next, queue.nextDueAt());
    }
    if (next != Long.MAX_VALUE) {
      scheduleDue(next);
    }
    dispatch();
  }

  private void adjustPools() {
    long now = System.currentTimeMillis();
    Map<String, Boolean> backlog = new HashMap<>();
    queues.values().forEach(q -> backlog.merge(q.config().pool(), q.readyCount() > 0, Boolean::logicalOr));
    workers.adjust(now, backlog);
    dispatch();
  }

  private void expireFinished() {
    long now = System.currentTimeMillis();
    for (String id : expiry.due(now)) {
      Job job = jobs.get(id);
      if (job != null && job.state().isFinal() && job.finishedAt() + job.resultTtlMs() <= now) {
        jobs.remove(id);
        if (job.idempotencyKey() != null) {
          idempotency.remove(job.idempotencyKey(), id);
        }
        events.expired(job);
        writer.delete(JOBS, id);
      }
    }
  }

  private static ReplyException notFound(String id) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCode.NOT_FOUND.code(), "no job " + id);
  }

  private static ReplyException conflict(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCode.CONFLICT.code(), message);
  }

  /** Stops the timers, interrupts running jobs and closes the store (blocking: call from a worker thread). */
  public void close() {
    closed = true;
    timers.forEach(vertx::cancelTimer);
    workers.close();
    writer.close();
  }
}
