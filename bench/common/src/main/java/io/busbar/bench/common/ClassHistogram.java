package io.busbar.bench.common;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of a JVM after a full GC, from {@code jcmd <pid> GC.class_histogram}: bytes and instances per
 * class, and their totals. {@link #totalBytes()} is the live heap, exact to the byte, unlike the heap's "used" figure,
 * which counts whole regions.
 *
 * @param totalBytes bytes of all live objects
 * @param totalInstances number of live objects
 * @param byClass bytes and instances per class name (as jcmd prints it, module suffix removed)
 */
public record ClassHistogram(long totalBytes, long totalInstances, Map<String, Entry> byClass) {

  /** Live instances and bytes of one class. */
  public record Entry(long instances, long bytes) {
  }

  /** How one class's live objects changed between two histograms. */
  public record Delta(String className, long instances, long bytes) {
  }

  // " 123:        4567       890123  java.lang.String (java.base@17.0.15)"
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  /** Parses the output of {@code jcmd <pid> GC.class_histogram}. */
  public static ClassHistogram parse(String jcmdOutput) {
    Map<String, Entry> byClass = new HashMap<>();
    long totalBytes = -1;
    long totalInstances = -1;
    for (String line : jcmdOutput.split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        byClass.merge(row.group(3), new Entry(Long.parseLong(row.group(1)), Long.parseLong(row.group(2))),
            (a, b) -> new Entry(a.instances() + b.instances(), a.bytes() + b.bytes()));
        continue;
      }
      Matcher total = TOTAL.matcher(line.trim());
      if (total.matches()) {
        totalInstances = Long.parseLong(total.group(1));
        totalBytes = Long.parseLong(total.group(2));
      }
    }
    if (totalBytes < 0) {
      throw new IllegalStateException("no Total line in the class histogram: "
          + jcmdOutput.substring(0, Math.min(500, jcmdOutput.length())));
    }
    return new ClassHistogram(totalBytes, totalInstances, Map.copyOf(byClass));
  }

  /** The {@code limit} classes whose live bytes grew most from {@code before} to this histogram. */
  public List<Delta> topGrowth(ClassHistogram before, int limit) {
    List<Delta> deltas = new ArrayList<>();
    for (Map.Entry<String, Entry> e : byClass.entrySet()) {
      Entry old = before.byClass.getOrDefault(e.getKey(), new Entry(0, 0));
      deltas.add(new Delta(e.getKey(), e.getValue().instances() - old.instances(), e.getValue().bytes() - old.bytes()));
    }
    deltas.sort(Comparator.comparingLong(Delta::bytes).reversed());
    return deltas.subList(0, Math.min(limit, deltas.size()));
  }
}
