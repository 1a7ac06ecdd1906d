package io.busbar.config;

/**
 * A named worker pool declared under {@code pools.<name>}. Worker verticles and job queues refer to pools by name,
 * so that CPU-bound and blocking I/O work never share threads.
 *
 * @param name the pool name; worker threads are called {@code <name>-<n>}
 * @param size number of threads
 * @param maxExecuteTimeMs a task running longer than this is reported by the blocked-thread checker
 */
public record PoolConfig(String name, int size, long maxExecuteTimeMs) {

  static PoolConfig from(String name, Conf c) {
    c.onlyKeys("size", "maxExecuteTimeMs");
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new ConfigException(c.key(""), "pool names are lowercase letters, digits and '-'");
    }
    return new PoolConfig(name, c.intIn("size", 1, 1, 1024), c.longIn("maxExecuteTimeMs", 60_000, 1, 86_400_000));
  }
}
