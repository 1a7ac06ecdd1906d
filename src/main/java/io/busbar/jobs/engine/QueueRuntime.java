package io.busbar.jobs.engine;

import io.busbar.config.QueueConfig;
import io.busbar.jobs.Job;
import io.busbar.jobs.model.Ewma;
import io.busbar.jobs.model.QueueModel;
import io.busbar.jobs.model.RateMeter;
import io.busbar.jobs.sched.PendingQueue;
import io.busbar.jobs.sched.PendingQueues;
import io.busbar.jobs.sched.Policy;
import io.busbar.jobs.sched.SchedConfig;
import io.vertx.core.json.JsonObject;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One queue's live state, owned by the engine's thread: jobs ready to run in policy order, jobs waiting for their
 * time (a delay or a retry backoff), the rate limit, and the measurements of the queueing model: arrival rate
 * (λ), completion rate, mean service time (1/μ per server) and recent waits. Counters read by meters are atomic.
 */
final class QueueRuntime {

  /** A job waiting for {@code runAt}; stale entries (the job moved on) are skipped when due. */
  record Due(long runAt, String id, long lease) {
  }

  private final QueueConfig config;
  private final PoolView pool;
  private final PendingQueue<String> ready;
  private final PriorityQueue<Due> delayed = new PriorityQueue<>((a, b) -> Long.compare(a.runAt(), b.runAt()));
  private final RateMeter arrivals = RateMeter.ofSystemClock(60);
  private final RateMeter completions = RateMeter.ofSystemClock(60);
  private final Ewma serviceMs = Ewma.withHalfLife(50);
  private final Ewma waitMs = Ewma.withHalfLife(50);
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private double tokens;
  private long tokensAtNanos = System.nanoTime();

  QueueRuntime(QueueConfig config, PoolView pool, LongSupplier clock) {
    this.config = config;
    this.pool = pool;
    this.ready = PendingQueues.create(config.policy(), new SchedConfig(config.maxWaitMs(), config.agingIntervalMs()),
        clock);
    this.tokens = Math.max(1, config.ratePerSecond());
  }

  String name() {
    return config.name();
  }

  QueueConfig config() {
    return config;
  }

  PoolView pool() {
    return pool;
  }

  Policy policy() {
    return config.policy();
  }

  /** Jobs accepted and not yet running (ready or waiting for their time). */
  int waitingCount() {
    return waiting.get();
  }

  int runningCount() {
    return running.get();
  }

  int readyCount() {
    return ready.size();
  }

  int delayedCount() {
    return delayed.size();
  }

  /** A job entered the queue for the first time. */
  void arrived() {
    arrivals.mark();
  }

  /** Puts a job in line to run now, under the queue's policy ({@code costMs} orders sjf). */
  void makeReady(Job job, double costMs) {
    ready.offer(job.id(), job.priority(), costMs, job.id());
  }

  /** Holds a job until {@code job.runAt()}. */
  void delay(Job job) {
    delayed.add(new Due(job.runAt(), job.id(), job.lease()));
  }

  void countWaiting(int delta) {
    waiting.addAndGet(delta);
  }

  void countRunning(int delta) {
    running.addAndGet(delta);
  }

  /** The earliest delayed time, or Long.MAX_VALUE. */
  long nextDueAt() {
    Due next = delayed.peek();
    return next == null ? Long.MAX_VALUE : next.runAt();
  }

  /** Removes and returns the next delayed entry due at {@code nowMs}, or null. */
  Due pollDue(long nowMs) {
    Due next = delayed.peek();
    return next != null && next.runAt() <= nowMs ? delayed.poll() : null;
  }

  /** The id of the ready job that runs next, left in place, or null. */
  String peekReady() {
    var entry = ready.peek();
    return entry == null ? null : entry.id();
  }

  /** The next ready job's id, or null. */
  String pollReady() {
    var entry = ready.poll();
    return entry == null ? null : entry.id();
  }

  boolean removeReady(String id) {
    return ready.remove(id) != null;
  }

  /** Jobs that would run before {@code id}: exact for fcfs; for the others exact up to 10,000 ready, else an upper bound. */
  int position(String id) {
    if (config.policy() == Policy.FCFS || ready.size() > 10_000) {
      return ready.contains(id) ? ready.size() - 1 : 0;
    }
    return Math.max(0, ready.position(id));
  }

  /** Takes a rate-limit token; false when the queue must wait. */
  boolean takeToken() {
    double rate = config.ratePerSecond();
    if (rate <= 0) {
      return true;
    }
    long now = System.nanoTime();
    tokens = Math.min(Math.max(1, rate), tokens + (now - tokensAtNanos) / 1e9 * rate);
    tokensAtNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until the next token, at least 1. */
  long msUntilToken() {
    return Math.max(1, (long) Math.ceil((1 - tokens) / config.ratePerSecond() * 1000));
  }

  void started(long waitedMs) {
    waitMs.update(waitedMs);
  }

  void completed(long serviceTimeMs) {
    completions.mark();
    serviceMs.update(serviceTimeMs);
  }

  /** Arrival rate λ, jobs per second over the last minute. */
  double arrivalRate() {
    return arrivals.ratePerSecond();
  }

  /** Completion rate, jobs per second over the last minute. */
  double completionRate() {
    return completions.ratePerSecond();
  }

  /** Mean service time of recent jobs, ms, or NaN before the first. */
  double meanServiceMs() {
    return serviceMs.count() == 0 ? Double.NaN : serviceMs.mean();
  }

  /** Service rate μ of one server, jobs per second, or NaN before the first completion. */
  double serviceRate() {
    double mean = meanServiceMs();
    return Double.isNaN(mean) ? Double.NaN : 1000.0 / Math.max(mean, 0.001);
  }

  /** Utilisation ρ = λ / (c μ), with c the pool's current limit (0 while no worker serves the pool). */
  double utilisation() {
    double mu = serviceRate();
    return Double.isNaN(mu) || pool.limit() == 0 ? 0 : arrivalRate() / (pool.limit() * mu);
  }

  /** Mean wait of recent jobs, ms, or NaN. */
  double recentWaitMs() {
    return waitMs.count() == 0 ? Double.NaN : waitMs.mean();
  }

  /**
   * Steady-state mean wait predicted by M/M/c (Erlang C) for the measured λ and μ, ms; Infinity when ρ ≥ 1 or no
   * worker serves the pool.
   */
  double modelWaitMs() {
    double mu = serviceRate();
    double lambda = arrivalRate();
    if (Double.isNaN(mu) || lambda <= 0) {
      return 0;
    }
    if (pool.limit() == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return QueueModel.meanWait(pool.limit(), lambda, mu) * 1000;
  }

  /**
   * The expected wait of a job with {@code ahead} jobs before it, from the state of the pool now: zero while a
   * slot is free, else the time for {@code ahead + 1} departures at rate cμ. {@code costMs} stands in for the mean
   * service time before any job of this queue has completed.
   */
  long etaMs(int ahead, double costMs) {
    double mean = meanServiceMs();
    if (Double.isNaN(mean)) {
      mean = costMs;
    }
    double mu = 1000.0 / Math.max(mean, 0.001);
    // While no worker serves the pool (a cluster's workers are away), estimate as if one were back.
    int servers = Math.max(1, pool.limit());
    int busy = Math.min(pool.busy(), servers);
    return Math.round(QueueModel.conditionalWait(servers, busy, ahead, mu) * 1000);
  }

  /** Statistics for {@code /api/queues} and the dashboard. */
  JsonObject stats() {
    double lambda = arrivalRate();
    double wait = recentWaitMs();
    return new JsonObject().put("name", config.name()).put("policy", config.policy().name().toLowerCase())
        .put("pool", pool.name()).put("length", waitingCount()).put("ready", readyCount())
        .put("delayed", delayedCount()).put("running", runningCount()).put("maxQueued", config.maxQueued())
        .put("arrivalRate", lambda).put("completionRate", completionRate())
        .put("serviceRate", nanToNull(serviceRate())).put("meanServiceMs", nanToNull(meanServiceMs()))
        .put("utilisation", utilisation()).put("meanWaitMs", nanToNull(wait))
        .put("predictedWaitMs", finiteOrNull(modelWaitMs()))
        .put("littleL", Double.isNaN(wait) ? null : QueueModel.littleL(lambda, wait / 1000))
        .put("poolLimit", pool.limit()).put("poolBusy", pool.busy()).put("poolThreads", pool.threads());
  }

  private static Double nanToNull(double value) {
    return Double.isNaN(value) ? null : value;
  }

  private static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
