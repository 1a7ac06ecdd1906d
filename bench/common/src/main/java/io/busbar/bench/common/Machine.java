package io.busbar.bench.common;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The state of the machine a run happened on, for its results file: cores, memory, OS, Java, the open-files limit,
 * the load average, and how busy all its CPUs were over an interval (which shows load from other processes).
 */
public final class Machine {

  private Machine() {
  }

  /** Cores, memory, OS, Java, open-files limit of this process and the load average, now. */
  public static JsonObject snapshot() {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("memTotalMiB", meminfoMiB("MemTotal:"))
        .put("memAvailableMiB", meminfoMiB("MemAvailable:"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"))
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("maxOpenFiles", maxOpenFiles())
        .put("loadAverage", loadAverage());
  }

  /** The 1, 5 and 15-minute load averages from {@code /proc/loadavg}, or "unknown". */
  public static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /**
   * CPU time of the whole machine so far (all processes, all cores), from the first line of {@code /proc/stat}; the
   * difference of two readings says how busy the machine was in between.
   *
   * @param busyTicks ticks spent outside idle and iowait
   * @param totalTicks all ticks
   */
  public record CpuTicks(long busyTicks, long totalTicks) {

    /** Reads {@code /proc/stat} now; zeros when it is unreadable. */
    public static CpuTicks now() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new CpuTicks(total - idle, total);
      } catch (IOException | RuntimeException e) {
        return new CpuTicks(0, 0);
      }
    }

    /** The cores busy on average since {@code earlier} (0 to the core count), or NaN when unknown. */
    public double coresBusySince(CpuTicks earlier) {
      long total = totalTicks - earlier.totalTicks;
      if (total <= 0) {
        return Double.NaN;
      }
      return (double) (busyTicks - earlier.busyTicks) / total * Runtime.getRuntime().availableProcessors();
    }
  }

  private static Long meminfoMiB(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: leave it out.
    }
    return null;
  }

  /** The soft limit on open files of this process (the server inherits it), or null when unknown. */
  private static Long maxOpenFiles() {
    try {
      List<String> limits = Files.readAllLines(Path.of("/proc/self/limits"));
      for (String line : limits) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? -1L : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: leave it out.
    }
    return null;
  }
}
