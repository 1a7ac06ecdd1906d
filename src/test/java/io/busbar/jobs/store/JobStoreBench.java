package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write throughput of the job stores, printed, never asserted. Its name keeps it out of a plain {@code mvn test};
 * run it with {@code mvn test -Dtest=JobStoreBench}. Each case first runs a warm-up, then times {@code write} calls
 * of 1 or 100 records (~300 bytes of JSON each) over a working set of 10,000 ids.
 */
class JobStoreBench {

  private static final int WORKING_SET = 10_000;
  private static final String PAYLOAD = "x".repeat(200);

  @TempDir
  Path dir;

  private int sequence;

  @Test
  void printsWriteThroughput() {
    List<String> rows = new ArrayList<>();
    rows.add(measure("memory, 1 record/write", MemoryJobStore::new, 1, 20_000));
    rows.add(measure("mvstore fsync off, 1 record/write", () -> new MvJobStore(dir.resolve("a"), false), 1, 5_000));
    rows.add(measure("mvstore fsync on, 1 record/write", () -> new MvJobStore(dir.resolve("b"), true), 1, 500));
    rows.add(measure("mvstore fsync off, 100 records/write", () -> new MvJobStore(dir.resolve("c"), false), 100, 500));
    rows.add(measure("mvstore fsync on, 100 records/write", () -> new MvJobStore(dir.resolve("d"), true), 100, 300));
    // A benchmark's report is its output: print it where `mvn test` shows it.
    rows.forEach(System.out::println);
    assertThat(rows).hasSize(5);
  }

  private String measure(String name, Supplier<JobStore> opener, int recordsPerWrite, int writes) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (JobStore store = opener.get()) {
      run(store, recordsPerWrite, writes / 5);
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      run(store, recordsPerWrite, writes);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMicrosPerWrite = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / writes;
      return String.format(Locale.ROOT, "%-38s %9.0f writes/s %10.0f records/s %8.0f us CPU/write (%d writes)",
          name, writes / seconds, writes * recordsPerWrite / seconds, cpuMicrosPerWrite, writes);
    }
  }

  private void run(JobStore store, int recordsPerWrite, int writes) {
    for (int w = 0; w < writes; w++) {
      List<JsonObject> records = new ArrayList<>(recordsPerWrite);
      for (int r = 0; r < recordsPerWrite; r++) {
        int seq = sequence++;
        records.add(new JsonObject()
            .put("id", "job-" + (seq % WORKING_SET))
            .put("queue", "default")
            .put("state", "running")
            .put("attempt", seq % 3)
            .put("updatedAt", 1_700_000_000_000L + seq)
            .put("payload", PAYLOAD));
      }
      store.write("jobs", records, List.of());
    }
  }
}
