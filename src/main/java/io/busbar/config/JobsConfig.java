package io.busbar.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job platform ({@code jobs.*}).
 *
 * @param store {@code mvstore} (durable, on disk under {@code dataDir}) or {@code memory}
 * @param dataDir directory of the durable store
 * @param fsync mvstore: also fsync each write, so that accepted jobs survive power loss, not only a crash
 * @param defaultQueue queue of a job submitted without one
 * @param maxTimeoutMs largest per-job timeout accepted
 * @param defaultResultTtlMs how long a finished job (and its result) is kept when the job does not say
 * @param maxResultTtlMs largest result TTL accepted
 * @param maxBatch most jobs in one batch
 * @param maxAttempts most attempts a job may ask for
 * @param progressIntervalMs progress events of one job are published at most this often (the latest wins)
 * @param maxWaitMs longest long poll ({@code waitMs}) accepted
 * @param webhook webhook delivery
 * @param queues queues by name
 * @param pools job pools by name
 */
public record JobsConfig(String store, String dataDir, boolean fsync, String defaultQueue, long maxTimeoutMs,
    long defaultResultTtlMs, long maxResultTtlMs, int maxBatch, int maxAttempts, long progressIntervalMs,
    long maxWaitMs, WebhookConfig webhook, Map<String, QueueConfig> queues, Map<String, JobPoolConfig> pools,
    ClusterJobsConfig cluster) {

  /**
   * How jobs run when the node is clustered ({@code jobs.cluster.*}); ignored on a single node.
   *
   * @param heartbeatMs how often a worker node reports its capacity and running attempts to the scheduler
   * @param leaseMs how long a worker node may stay silent before its attempts are given to other nodes
   * @param drainMs how long a stopping worker node lets its running jobs finish before handing them back
   */
  public record ClusterJobsConfig(long heartbeatMs, long leaseMs, long drainMs) {

    static ClusterJobsConfig from(Conf c) {
      c.onlyKeys("heartbeatMs", "leaseMs", "drainMs");
      long heartbeat = c.longIn("heartbeatMs", 500, 10, 60_000);
      return new ClusterJobsConfig(heartbeat, c.longIn("leaseMs", 5_000, 2 * heartbeat, 600_000),
          c.longIn("drainMs", 30_000, 0, 3_600_000));
    }
  }

  /** The largest {@code jobs.maxWaitMs} that may be configured: one hour. */
  public static final long MAX_WAIT_LIMIT_MS = 3_600_000;

  /**
   * Webhook delivery ({@code jobs.webhook.*}).
   *
   * @param secret HMAC-SHA256 key of the {@code Busbar-Signature} header; empty sends unsigned webhooks
   * @param maxAttempts deliveries tried at most
   * @param initialBackoffMs first retry delay (doubling, with full jitter)
   * @param maxBackoffMs longest retry delay
   * @param timeoutMs one attempt's timeout
   */
  public record WebhookConfig(String secret, int maxAttempts, long initialBackoffMs, long maxBackoffMs,
      long timeoutMs) {

    static WebhookConfig from(Conf c) {
      c.onlyKeys("secret", "maxAttempts", "initialBackoffMs", "maxBackoffMs", "timeoutMs");
      Object secret = c.json().getValue("secret");
      if (secret != null && !(secret instanceof String)) {
        throw new ConfigException(c.key("secret"), "must be a string");
      }
      long initial = c.longIn("initialBackoffMs", 500, 1, 3_600_000);
      return new WebhookConfig(secret == null ? "" : (String) secret, c.intIn("maxAttempts", 5, 1, 100), initial,
          c.longIn("maxBackoffMs", 60_000, initial, 86_400_000), c.longIn("timeoutMs", 10_000, 1, 600_000));
    }

    @Override
    public String toString() {
      return "WebhookConfig[secret=" + (secret.isEmpty() ? "none" : "***") + ", maxAttempts=" + maxAttempts + "]";
    }
  }

  static JobsConfig from(Conf c) {
    c.onlyKeys("store", "dataDir", "fsync", "defaultQueue", "maxTimeoutMs", "defaultResultTtlMs", "maxResultTtlMs",
        "maxBatch", "maxAttempts", "progressIntervalMs", "maxWaitMs", "webhook", "queues", "pools", "cluster");
    String store = c.string("store", "mvstore");
    if (!store.equals("mvstore") && !store.equals("memory")) {
      throw new ConfigException(c.key("store"), "must be one of mvstore, memory, got " + Conf.describe(store));
    }
    Map<String, JobPoolConfig> pools = new LinkedHashMap<>();
    Conf poolsConf = c.section("pools");
    for (String name : poolsConf.json().fieldNames()) {
      pools.put(name, JobPoolConfig.from(name, poolsConf.section(name)));
    }
    Map<String, QueueConfig> queues = new LinkedHashMap<>();
    Conf queuesConf = c.section("queues");
    for (String name : queuesConf.json().fieldNames()) {
      QueueConfig queue = QueueConfig.from(name, queuesConf.section(name));
      if (!pools.containsKey(queue.pool())) {
        throw new ConfigException(queuesConf.key(name) + ".pool", "no job pool \"" + queue.pool()
            + "\" under jobs.pools (declared: " + String.join(", ", pools.keySet()) + ")");
      }
      queues.put(name, queue);
    }
    String defaultQueue = c.string("defaultQueue", "default");
    if (!queues.isEmpty() && !queues.containsKey(defaultQueue)) {
      throw new ConfigException(c.key("defaultQueue"), "no queue \"" + defaultQueue + "\" under jobs.queues");
    }
    long maxTtl = c.longIn("maxResultTtlMs", 30L * 86_400_000, 1_000, 365L * 86_400_000);
    return new JobsConfig(store, c.string("dataDir", "data"), c.bool("fsync", false), defaultQueue,
        c.longIn("maxTimeoutMs", 86_400_000, 1, 30L * 86_400_000),
        c.longIn("defaultResultTtlMs", 3_600_000, 1_000, maxTtl), maxTtl,
        c.intIn("maxBatch", 1_000, 1, 100_000), c.intIn("maxAttempts", 25, 1, 1_000),
        c.longIn("progressIntervalMs", 100, 0, 60_000), c.longIn("maxWaitMs", 60_000, 0, MAX_WAIT_LIMIT_MS),
        WebhookConfig.from(c.section("webhook")), Collections.unmodifiableMap(queues),
        Collections.unmodifiableMap(pools), ClusterJobsConfig.from(c.section("cluster")));
  }
}
