package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
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
    rows.add(measure("mvstore fsync off, 1 record/write", () -> new MvJobStore(dir.resolve("a"), false), 1, 50_000));
    rows.add(measure("mvstore fsync on, 1 record/write", () -> new MvJobStore(dir.resolve("b"), true), 1, 1_000));
    rows.add(measure("mvstore fsync off, 100 records/write", () -> new MvJobStore(dir.resolve("c"), false), 100,
        2_000));
    rows.add(measure("mvstore fsync on, 100 records/write", () -> new MvJobStore(dir.resolve("d"), true), 100, 500));
    // A benchmark's report is its output: print it where `mvn test` shows it.
    rows.forEach(System.out::println);
    assertThat(rows).hasSize(5);
  }

  /**
   * The latency of each write of a job's life as the engine writes it at low load: the new job, then its end, one
   * record per write, with time-ordered ids. Side by side: a commit per write with MVStore's own file store (which
   * shrinks the file, forcing it to the device first, whenever a commit frees its end), a commit per write with
   * Busbar's file store, and the store as it runs: writes appended to its journal, committed by its checkpointer.
   */
  @Test
  void printsWriteLatencyOfJobsLives() {
    List<String> rows = new ArrayList<>();
    long[] mvstores = lives("commit per write, MVStore's file store", new MvJobStore(dir.resolve("e"), false, false),
        true, rows);
    long[] steady = lives("commit per write, Busbar's file store", new MvJobStore(dir.resolve("f"), false, true),
        true, rows);
    long[] journal = lives("journal, checkpoints every " + MvJobStore.CHECKPOINT_INTERVAL_MS + " ms",
        new MvJobStore(dir.resolve("g"), false, true), false, rows);
    rows.add(ratios("Busbar's file store / MVStore's", steady, mvstores));
    rows.add(ratios("journal / commit per write (Busbar's file store)", journal, steady));
    rows.forEach(System.out::println);
    assertThat(rows).hasSize(5);
  }

  private static String ratios(String name, long[] measured, long[] baseline) {
    return String.format(Locale.ROOT, "%-50s p50 %.2f, p99 %.2f, p99.9 %.2f, writes over 1 ms %.2f", name,
        (double) measured[0] / baseline[0], (double) measured[1] / baseline[1], (double) measured[2] / baseline[2],
        (double) measured[3] / Math.max(1, baseline[3]));
  }

  /**
   * Runs 10,000 lives to warm up, then 50,000 timed; returns p50, p99, p99.9 (us) and the writes over 1 ms. With
   * {@code commit}, each write is followed by a checkpoint, inside its time: a commit per write.
   */
  private static long[] lives(String name, MvJobStore store, boolean commit, List<String> rows) {
    try (store) {
      live(store, commit, 0, 10_000, null);
      long[] micros = new long[100_000];
      live(store, commit, 10_000, 50_000, micros);
      Arrays.sort(micros);
      long slow = Arrays.stream(micros).filter(m -> m > 1_000).count();
      long[] figures = {micros[50_000], micros[99_000], micros[99_900], slow};
      rows.add(String.format(Locale.ROOT, "%-42s write p50 %5d us, p99 %5d us, p99.9 %6d us, max %7d us, %4d of"
          + " 100,000 writes over 1 ms", name, figures[0], figures[1], figures[2], micros[micros.length - 1], slow));
      return figures;
    }
  }

  private static void live(MvJobStore store, boolean commit, int from, int count, long[] micros) {
    for (int i = 0; i < count; i++) {
      // Ids that sort in creation order, as the engine's UUIDs of version 7 do.
      JsonObject job = new JsonObject().put("id", String.format(Locale.ROOT, "%012d", from + i))
          .put("type", "noop").put("queue", "default").put("state", "queued").put("payload", new JsonObject())
          .put("attempts", 0).put("createdAt", 1_700_000_000_000L + i).put("eventsAddress", "jobs.inbox.bench");
      long start = System.nanoTime();
      store.write("jobs", List.of(job), List.of());
      if (commit) {
        store.checkpoint();
      }
      long accepted = System.nanoTime();
      store.write("jobs", List.of(job.copy().put("state", "succeeded").put("attempts", 1)
          .put("result", new JsonObject())), List.of());
      if (commit) {
        store.checkpoint();
      }
      if (micros != null) {
        micros[2 * i] = (accepted - start) / 1_000;
        micros[2 * i + 1] = (System.nanoTime() - accepted) / 1_000;
      }
    }
  }

  private String measure(String name, Supplier<JobStore> opener, int recordsPerWrite, int writes) {
    // The process's CPU, not the caller's: the durable store commits on a thread of its own.
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (JobStore store = opener.get()) {
      run(store, recordsPerWrite, writes / 5);
      long cpuStart = os.getProcessCpuTime();
      long start = System.nanoTime();
      run(store, recordsPerWrite, writes);
      if (store instanceof MvJobStore mv) {
        mv.checkpoint(); // what is written is committed inside the time
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMicrosPerWrite = (os.getProcessCpuTime() - cpuStart) / 1e3 / writes;
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
