package io.busbar.config;

import io.busbar.jobs.sched.Policy;

/**
 * A job queue ({@code jobs.queues.<name>}).
 *
 * @param name queue name
 * @param policy order of service: fcfs, priority (with aging) or sjf (shortest estimated job first, with aging)
 * @param pool the job pool (under {@code jobs.pools}) that runs this queue's jobs
 * @param maxQueued admission limit: a submission beyond it is refused (HTTP 429) with a Retry-After taken from the
 *     predicted wait
 * @param ratePerSecond jobs started per second at most; 0 means no limit
 * @param maxWaitMs priority and sjf: no job waits longer than this for a job that arrived after it
 * @param agingIntervalMs priority: a waiting job gains one priority level per interval
 * @param authority the authority an outside client needs to submit, cancel or retry this queue's jobs, or null
 */
public record QueueConfig(String name, Policy policy, String pool, int maxQueued, double ratePerSecond,
    long maxWaitMs, long agingIntervalMs, String authority) {

  static QueueConfig from(String name, Conf c) {
    c.onlyKeys("policy", "pool", "maxQueued", "ratePerSecond", "maxWaitMs", "agingIntervalMs", "authority");
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new ConfigException(c.key(""), "queue names are lowercase letters, digits and '-'");
    }
    String policy = c.string("policy", "fcfs");
    Policy parsed;
    try {
      parsed = Policy.parse(policy);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(c.key("policy"), "must be one of fcfs, priority, sjf, got " + Conf.describe(policy));
    }
    String pool = c.string("pool", null);
    if (pool == null) {
      throw new ConfigException(c.key("pool"), "required: the job pool that runs this queue");
    }
    long rate = c.longIn("ratePerSecond", 0, 0, 1_000_000);
    return new QueueConfig(name, parsed, pool, c.intIn("maxQueued", 100_000, 1, 10_000_000), rate,
        c.longIn("maxWaitMs", 60_000, 1, 86_400_000), c.longIn("agingIntervalMs", 5_000, 1, 86_400_000),
        c.has("authority") ? c.string("authority", null) : null);
  }
}
