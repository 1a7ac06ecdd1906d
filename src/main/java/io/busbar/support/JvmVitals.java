package io.busbar.support;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;

/**
 * The JVM's vital signs as JSON fields, from its management beans, which answer without blocking: shared by the
 * dashboard's node card and the cluster's node directory.
 */
public final class JvmVitals {

  private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

  private JvmVitals() {
  }

  /**
   * Puts {@code heapUsed} and {@code heapMax} (bytes; the committed heap when there is no maximum), {@code cpus},
   * {@code threads}, and where the platform tells them, {@code processCpu} (0..1 of the machine) and the 1-minute
   * system load average under {@code loadAverageKey}, into {@code json}, which it returns.
   */
  public static JsonObject putInto(JsonObject json, String loadAverageKey) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    json.put("heapUsed", heap.getUsed())
        .put("heapMax", heap.getMax() > 0 ? heap.getMax() : heap.getCommitted())
        .put("cpus", OS.getAvailableProcessors())
        .put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    double load = OS.getSystemLoadAverage();
    if (load >= 0) {
      json.put(loadAverageKey, load);
    }
    if (OS instanceof com.sun.management.OperatingSystemMXBean sun) {
      // Read once: each call measures the CPU used since the previous one, so a second call right after the first
      // would measure a few microseconds.
      double cpu = sun.getProcessCpuLoad();
      if (cpu >= 0) {
        json.put("processCpu", cpu);
      }
    }
    return json;
  }
}
