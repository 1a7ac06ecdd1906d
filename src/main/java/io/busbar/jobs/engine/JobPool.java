package io.busbar.jobs.engine;

import io.busbar.config.JobPoolConfig;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run one pool's jobs, and how many jobs it runs at once (its limit).
 *
 * <p>Busbar runs jobs on its own executors rather than on Vert.x worker pools because a timeout or a cancellation
 * must interrupt the running thread (a Vert.x {@code executeBlocking} task cannot be interrupted from outside) and
 * an elastic pool must both grow and let its threads go. A fixed pool runs {@code size} jobs at once; an elastic
 * one starts at {@code min}, grows while its jobs wait longer than {@code targetWaitMs} and shrinks after
 * {@code idleMs} without a backlog, its threads ending when idle; a virtual pool gives each job a virtual thread
 * (Java 21+). The limit and the busy count belong to the engine's thread; only the executor is shared.
 */
final class JobPool implements PoolView {

  private final JobPoolConfig config;
  private final ExecutorService executor;
  private final ThreadPoolExecutor platform;
  private int limit;
  private int busy;
  private long lastBacklogAtMs;
  private long lastWaitMs;
  private long lastStartAtMs = System.currentTimeMillis();

  JobPool(JobPoolConfig config) {
    this.config = config;
    if (config.kind() == JobPoolConfig.Kind.VIRTUAL) {
      platform = null;
      executor = virtualThreadExecutor();
      limit = config.max();
    } else {
      limit = config.min();
      platform = new ThreadPoolExecutor(limit, limit, config.idleMs(), TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(), threads("busbar-job-" + config.name() + "-"));
      platform.allowCoreThreadTimeOut(config.kind() == JobPoolConfig.Kind.ELASTIC);
      executor = platform;
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Java 21's {@code Executors.newVirtualThreadPerTaskExecutor()}, found reflectively so Busbar builds on 17. */
  private static ExecutorService virtualThreadExecutor() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need a Java 21+ runtime", e);
    }
  }

  @Override
  public String name() {
    return config.name();
  }

  JobPoolConfig config() {
    return config;
  }

  /** True when another job may start now. */
  boolean hasSlot() {
    return busy < limit;
  }

  /** Starts {@code task}; the caller must call {@link #released()} when it has ended. */
  void run(Runnable task) {
    busy++;
    executor.execute(task);
  }

  void released() {
    busy--;
  }

  /** A job of this pool started after waiting {@code waitedMs}. */
  void observeWait(long waitedMs) {
    lastWaitMs = waitedMs;
    lastStartAtMs = System.currentTimeMillis();
  }

  /**
   * Elastic sizing, called periodically: grow by half (at least one) while jobs are waiting, every slot is busy and
   * either the latest job to start waited longer than the target or none has started for that long; shrink by one
   * after {@code idleMs} without a backlog.
   */
  void adjust(long nowMs, boolean backlog) {
    if (config.kind() != JobPoolConfig.Kind.ELASTIC) {
      return;
    }
    if (backlog) {
      lastBacklogAtMs = nowMs;
      long wait = Math.max(lastWaitMs, nowMs - lastStartAtMs);
      if (busy >= limit && limit < config.max() && wait > config.targetWaitMs()) {
        resize(Math.min(config.max(), limit + Math.max(1, limit / 2)));
      }
    } else if (limit > config.min() && nowMs - lastBacklogAtMs > config.idleMs()) {
      resize(limit - 1);
      lastBacklogAtMs = nowMs;
    }
  }

  private void resize(int newLimit) {
    if (newLimit > platform.getMaximumPoolSize()) {
      platform.setMaximumPoolSize(newLimit);
      platform.setCorePoolSize(newLimit);
    } else {
      platform.setCorePoolSize(newLimit);
      platform.setMaximumPoolSize(newLimit);
    }
    limit = newLimit;
  }

  @Override
  public int limit() {
    return limit;
  }

  @Override
  public int busy() {
    return busy;
  }

  /** Live threads (for a virtual pool: the jobs running). */
  @Override
  public int threads() {
    return platform == null ? busy : platform.getPoolSize();
  }

  /** Interrupts running jobs and stops the threads. */
  void close() {
    executor.shutdownNow();
  }
}
