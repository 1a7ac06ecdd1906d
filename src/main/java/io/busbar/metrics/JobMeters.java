package io.busbar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The job platform's meters. Labels are bounded: queue and pool names come from configuration, job types from the
 * registered handlers, states from {@code JobState}; never a job id.
 *
 * <ul>
 *   <li>per queue: {@code busbar_queue_length} (n, waiting), {@code busbar_queue_running},
 *       {@code busbar_queue_arrival_rate} (λ, jobs/s), {@code busbar_queue_completion_rate} (jobs/s),
 *       {@code busbar_queue_service_rate} (μ per server, jobs/s), {@code busbar_queue_utilisation} (ρ),
 *       {@code busbar_queue_model_wait_seconds} (M/M/c mean wait), {@code busbar_queue_wait_seconds} (histogram),
 *       {@code busbar_queue_eta_error_seconds} (|predicted − actual| wait of first attempts);</li>
 *   <li>per job type: {@code busbar_job_service_seconds{queue,type}} (histogram),
 *       {@code busbar_jobs_finished_total{queue,type,state}}; {@code busbar_jobs_submitted_total{queue}};</li>
 *   <li>per pool: {@code busbar_pool_limit}, {@code busbar_pool_busy}, {@code busbar_pool_threads};</li>
 *   <li>the durable store: {@code busbar_jobs_store_pending_records} (journaled, not yet checkpointed),
 *       {@code busbar_jobs_store_journal_bytes} (the journal segment being appended to),
 *       {@code busbar_jobs_store_checkpoint_seconds} (each checkpoint's duration).</li>
 * </ul>
 */
public final class JobMeters {

  private static final Duration[] SLOS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60)};

  private final MeterRegistry registry;
  private final Map<String, Timer> waits = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> etaErrors = new ConcurrentHashMap<>();
  private final Map<String, Timer> services = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private JobMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters on the node's registry, or nowhere when metrics are disabled. */
  public static JobMeters get() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return of(registry == null ? new CompositeMeterRegistry() : registry);
  }

  /** Meters on {@code registry}. */
  public static JobMeters of(MeterRegistry registry) {
    return new JobMeters(registry);
  }

  /**
   * Gauges of the durable store's journal; returns the timer that its checkpoints record their durations in. Records
   * pending for long, or a checkpoint that takes long, mean that writes will soon wait for the store.
   */
  public Timer registerJournal(DoubleSupplier pendingRecords, DoubleSupplier journalBytes) {
    Gauge.builder("busbar.jobs.store.pending.records", pendingRecords, DoubleSupplier::getAsDouble)
        .strongReference(true).description("Records in the store's journal, not yet checkpointed").register(registry);
    Gauge.builder("busbar.jobs.store.journal.bytes", journalBytes, DoubleSupplier::getAsDouble)
        .strongReference(true).baseUnit("bytes").description("Size of the journal segment being appended to")
        .register(registry);
    return Timer.builder("busbar.jobs.store.checkpoint").description("Checkpoints of the journal into MVStore")
        .register(registry);
  }

  /** Gauges of one queue, read from the engine's live measurements. */
  public void registerQueue(String queue, DoubleSupplier length, DoubleSupplier running, DoubleSupplier arrivalRate,
      DoubleSupplier completionRate, DoubleSupplier serviceRate, DoubleSupplier utilisation,
      DoubleSupplier modelWaitSeconds) {
    gauge("busbar.queue.length", queue, length, "Jobs waiting (n)");
    gauge("busbar.queue.running", queue, running, "Jobs running");
    gauge("busbar.queue.arrival.rate", queue, arrivalRate, "Arrival rate λ, jobs per second over a minute");
    gauge("busbar.queue.completion.rate", queue, completionRate, "Completions per second over a minute");
    gauge("busbar.queue.service.rate", queue, serviceRate, "Service rate μ of one worker, jobs per second");
    gauge("busbar.queue.utilisation", queue, utilisation, "Utilisation ρ = λ / (c μ)");
    gauge("busbar.queue.model.wait.seconds", queue, modelWaitSeconds, "Mean wait predicted by M/M/c (Erlang C)");
  }

  private void gauge(String name, String queue, DoubleSupplier value, String description) {
    // Micrometer holds a gauge's state weakly unless told otherwise; these suppliers have no other owner.
    Gauge.builder(name, value, DoubleSupplier::getAsDouble).strongReference(true).tag("queue", queue)
        .description(description).register(registry);
  }

  /** Gauges of one job pool. */
  public void registerPool(String pool, DoubleSupplier limit, DoubleSupplier busy, DoubleSupplier threads) {
    Gauge.builder("busbar.pool.limit", limit, DoubleSupplier::getAsDouble).strongReference(true).tag("pool", pool)
        .description("Jobs the pool may run at once").register(registry);
    Gauge.builder("busbar.pool.busy", busy, DoubleSupplier::getAsDouble).strongReference(true).tag("pool", pool)
        .description("Jobs running on the pool").register(registry);
    Gauge.builder("busbar.pool.threads", threads, DoubleSupplier::getAsDouble).strongReference(true).tag("pool", pool)
        .description("Live threads of the pool").register(registry);
  }

  public void submitted(String queue) {
    counter("busbar.jobs.submitted", "queue", queue).increment();
  }

  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(name + String.join("\u0000", tags), k -> registry.counter(name, tags));
  }

  /** An attempt started after waiting; {@code predictedMs} ≥ 0 on a first attempt, to measure ETA accuracy. */
  public void started(String queue, long waitedMs, long predictedMs) {
    waits.computeIfAbsent(queue, q -> Timer.builder("busbar.queue.wait").tag("queue", q)
        .description("Time from ready to running").serviceLevelObjectives(SLOS).publishPercentiles(0.5, 0.95, 0.99)
        .register(registry)).record(Math.max(0, waitedMs), TimeUnit.MILLISECONDS);
    if (predictedMs >= 0) {
      etaErrors.computeIfAbsent(queue, q -> DistributionSummary.builder("busbar.queue.eta.error").baseUnit("seconds")
          .tag("queue", q).description("Absolute error of the predicted wait").publishPercentiles(0.5, 0.95)
          .register(registry)).record(Math.abs(predictedMs - waitedMs) / 1000.0);
    }
  }

  public void serviced(String queue, String type, long serviceMs) {
    services.computeIfAbsent(queue + '\u0000' + type, k -> Timer.builder("busbar.job.service")
        .tags("queue", queue, "type", type).description("Run time of an attempt").serviceLevelObjectives(SLOS)
        .publishPercentiles(0.5, 0.95, 0.99).register(registry)).record(serviceMs, TimeUnit.MILLISECONDS);
  }

  public void finished(String queue, String type, String state) {
    counter("busbar.jobs.finished", "queue", queue, "type", type, "state", state).increment();
  }

  public void expired(String queue) {
    counter("busbar.jobs.expired", "queue", queue).increment();
  }
}
