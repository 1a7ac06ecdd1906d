package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write throughput and latency of the job stores, printed, never asserted. Its name keeps it out of a plain {@code mvn test};
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

  /**
   * The latency of each write of a job's life as the engine writes it at low load: the new job, then its end, one
   * record per write, with time-ordered ids. MVStore's own file store (which shrinks the file, forcing it to the
   * device first, whenever a commit frees its end) against Busbar's, side by side.
   */
  @Test
  void printsWriteLatencyOfJobsLives() {
    List<String> rows = new ArrayList<>();
    long[] baseline = lives("mvstore fsync off, MVStore's file store", new MvJobStore(dir.resolve("e"), false, false),
        rows);
    long[] steady = lives("mvstore fsync off, Busbar's file store", new MvJobStore(dir.resolve("f"), false, true),
        rows);
    rows.add(String.format(Locale.ROOT, "ratios Busbar's / MVStore's: p99 %.2f, p99.9 %.2f, writes over 1 ms %.2f",
        (double) steady[1] / baseline[1], (double) steady[2] / baseline[2], (double) steady[3] / baseline[3]));
    rows.forEach(System.out::println);
    assertThat(rows).hasSize(3);
  }

  /** Runs 10,000 lives to warm up, then 50,000 timed; returns p50, p99, p99.9 (us) and the writes over 1 ms. */
  private static long[] lives(String name, JobStore store, List<String> rows) {
    try (store) {
      live(store, 0, 10_000, null);
      long[] micros = new long[100_000];
      live(store, 10_000, 50_000, micros);
      Arrays.sort(micros);
      long slow = Arrays.stream(micros).filter(m -> m > 1_000).count();
      long[] figures = {micros[50_000], micros[99_000], micros[99_900], slow};
      rows.add(String.format(Locale.ROOT, "%-42s write p50 %5d us, p99 %5d us, p99.9 %6d us, max %7d us, %4d of"
          + " 100,000 writes over 1 ms", name, figures[0], figures[1], figures[2], micros[micros.length - 1], slow));
      return figures;
    }
  }

  private static void live(JobStore store, int from, int count, long[] micros) {
    for (int i = 0; i < count; i++) {
      // Ids that sort in creation order, as the engine's UUIDs of version 7 do.
      JsonObject job = new JsonObject().put("id", String.format(Locale.ROOT, "%012d", from + i))
          .put("type", "noop").put("queue", "default").put("state", "queued").put("payload", new JsonObject())
          .put("attempts", 0).put("createdAt", 1_700_000_000_000L + i).put("eventsAddress", "jobs.inbox.bench");
      long start = System.nanoTime();
      store.write("jobs", List.of(job), List.of());
      long accepted = System.nanoTime();
      store.write("jobs", List.of(job.copy().put("state", "succeeded").put("attempts", 1)
          .put("result", new JsonObject())), List.of());
      if (micros != null) {
        micros[2 * i] = (accepted - start) / 1_000;
        micros[2 * i + 1] = (System.nanoTime() - accepted) / 1_000;
      }
    }
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
