package io.busbar.jobs.sched;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The order in which pending jobs are handed to free workers. */
public enum Policy {
  /** First come, first served: strict arrival order. */
  FCFS,
  /**
   * Higher effective priority first, FIFO among equals, with continuous aging and the
   * starvation guarantee described in {@link SchedConfig}.
   */
  PRIORITY,
  /**
   * Shortest estimated cost first, FIFO among equal costs, with the starvation guarantee
   * described in {@link SchedConfig}, so long jobs are not starved.
   */
  SJF;

  /**
   * The lowercase name used in configuration, e.g. {@code "sjf"}.
   *
   * @return the configuration name
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a configuration name, ignoring case and surrounding whitespace.
   *
   * @param value one of {@code "fcfs"}, {@code "priority"}, {@code "sjf"}
   * @return the policy
   * @throws IllegalArgumentException if {@code value} is null or not an allowed name; the
   *     message lists the allowed names
   */
  public static Policy parse(String value) {
    if (value != null) {
      String wanted = value.trim();
      for (Policy p : values()) {
        if (p.configName().equalsIgnoreCase(wanted)) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown scheduling policy '" + value + "'; allowed values: " + allowedNames());
  }

  private static String allowedNames() {
    return Arrays.stream(values()).map(Policy::configName).collect(Collectors.joining(", "));
  }
}
