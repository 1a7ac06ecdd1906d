package io.busbar.config;

/**
 * A pool of threads that runs jobs ({@code jobs.pools.<name>}).
 *
 * <ul>
 *   <li>{@code fixed}: {@code size} threads;</li>
 *   <li>{@code elastic}: between {@code min} and {@code max} jobs at once; the limit grows while jobs wait longer
 *       than {@code targetWaitMs} and shrinks after {@code idleMs} without a backlog, and idle threads end;</li>
 *   <li>{@code virtual}: a virtual thread per job (Java 21+ only), at most {@code max} at once: for blocking I/O.</li>
 * </ul>
 *
 * @param name pool name; its threads are called {@code busbar-job-<name>-<n>}
 * @param kind fixed, elastic or virtual
 * @param min jobs run at once at the least (fixed: the size)
 * @param max jobs run at once at the most (fixed: the size)
 * @param targetWaitMs elastic: grow while the mean wait of recent jobs exceeds this
 * @param idleMs elastic: shrink, and let threads end, after this long without a backlog
 */
public record JobPoolConfig(String name, Kind kind, int min, int max, long targetWaitMs, long idleMs) {

  /** How a pool sizes itself. */
  public enum Kind {
    FIXED, ELASTIC, VIRTUAL
  }

  static JobPoolConfig from(String name, Conf c) {
    c.onlyKeys("kind", "size", "min", "max", "targetWaitMs", "idleMs");
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new ConfigException(c.key(""), "pool names are lowercase letters, digits and '-'");
    }
    String kind = c.string("kind", "fixed");
    long targetWait = c.longIn("targetWaitMs", 200, 1, 3_600_000);
    long idle = c.longIn("idleMs", 30_000, 10, 86_400_000);
    switch (kind) {
      case "fixed": {
        int size = c.intIn("size", 4, 1, 4096);
        return new JobPoolConfig(name, Kind.FIXED, size, size, targetWait, idle);
      }
      case "elastic": {
        int min = c.intIn("min", 1, 1, 4096);
        int max = c.intIn("max", Math.max(min, 16), min, 4096);
        return new JobPoolConfig(name, Kind.ELASTIC, min, max, targetWait, idle);
      }
      case "virtual": {
        if (Runtime.version().feature() < 21) {
          throw new ConfigException(c.key("kind"),
              "\"virtual\" needs a Java 21+ runtime, this is Java " + Runtime.version().feature());
        }
        int max = c.intIn("max", 10_000, 1, 1_000_000);
        return new JobPoolConfig(name, Kind.VIRTUAL, 1, max, targetWait, idle);
      }
      default:
        throw new ConfigException(c.key("kind"), "must be one of fixed, elastic, virtual, got " + Conf.describe(kind));
    }
  }
}
