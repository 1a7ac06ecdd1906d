package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.metrics.JobMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MvJobStoreTest extends JobStoreContract {

  @Override
  JobStore open(Path dataDir) {
    // Checkpoints only when a test asks (or loadAll does), so that what MVStore holds is known.
    return new MvJobStore(dataDir, false, true, Long.MAX_VALUE);
  }

  private MvJobStore mv() {
    return (MvJobStore) store;
  }

  private static JsonObject paddedJob(String id, int seq) {
    return job(id, "running").put("seq", seq).put("payload", "x".repeat(150));
  }

  @Test
  void recordsSurviveCloseAndReopen() {
    store.write("jobs", List.of(job("a", "queued"), job("b", "queued"), job("c", "queued")), List.of());
    store.write("jobs", List.of(job("b", "done")), List.of("a"));
    store.write("batches", List.of(new JsonObject().put("id", "b1").put("jobs", 2)), List.of());
    store.close();

    try (JobStore reopened = new MvJobStore(dataDir)) {
      assertThat(reopened.loadAll("jobs")).containsExactlyInAnyOrder(job("b", "done"), job("c", "queued"));
      assertThat(reopened.loadAll("batches")).containsExactly(new JsonObject().put("id", "b1").put("jobs", 2));
      assertThat(reopened.loadAll("unknown")).isEmpty();
    }
  }

  @Test
  void fsyncedWritesAreReadBackAfterReopen() {
    store.close();
    try (JobStore synced = new MvJobStore(dataDir, true)) {
      synced.write("jobs", List.of(job("a", "queued")), List.of());
      synced.write("jobs", List.of(job("b", "queued")), List.of("a"));
    }

    try (JobStore reopened = new MvJobStore(dataDir)) {
      assertThat(reopened.loadAll("jobs")).containsExactly(job("b", "queued"));
    }
  }

  @Test
  void durabilityTellsWhetherWritesAreForcedToTheDevice() {
    assertThat(store.durability())
        .isEqualTo(MvJobStore.DURABILITY_NO_FSYNC)
        .contains("kill -9")
        .contains("power loss can lose");
    store.close();
    try (JobStore synced = new MvJobStore(dataDir, true)) {
      assertThat(synced.durability())
          .isEqualTo(MvJobStore.DURABILITY_FSYNC)
          .contains("survives a crash or kill -9 of the JVM, an OS crash and a power loss");
    }
  }

  @Test
  void createsTheDataDirectoryAndTheStoreFile() {
    Path nested = dataDir.resolve("a").resolve("b");
    try (MvJobStore created = new MvJobStore(nested)) {
      assertThat(created.file()).isEqualTo(nested.resolve("busbar-jobs.mv.db")).exists();
    }
  }

  @Test
  void aSecondOpenOfTheSameFileFailsWhileTheFirstIsOpen() {
    assertThatThrownBy(() -> new MvJobStore(dataDir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(MvJobStore.FILE_NAME);
  }

  @Test
  void failedOpensLeaveNoFileOpen() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd (Linux)");
    Path file = mv().file().toRealPath();
    for (int i = 0; i < 20; i++) {
      assertThatThrownBy(() -> new MvJobStore(dataDir)).isInstanceOf(IllegalStateException.class);
    }

    long open;
    try (Stream<Path> links = Files.list(fds)) {
      open = links.filter(link -> {
        try {
          return Files.readSymbolicLink(link).equals(file);
        } catch (IOException e) {
          return false;   // closed since it was listed
        }
      }).count();
    }
    assertThat(open).as("descriptors of %s", file).isEqualTo(1);
  }

  @Test
  void aFileThatIsNotAStoreFailsToOpen() throws IOException {
    Path other = dataDir.resolve("garbage");
    Files.createDirectories(other);
    Files.writeString(other.resolve(MvJobStore.FILE_NAME), "not an mvstore file\n".repeat(500));

    assertThatThrownBy(() -> new MvJobStore(other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot open job store");
  }

  @Test
  void aCheckpointIsOneCommitEvenWhenLargerThanMvStoresAutoCommitBuffer() {
    // MVStore would commit by itself once ~19 MB of changes are pending unless its buffer size is 0.
    // Fewer records than start a checkpoint by themselves (MvJobStore.CHECKPOINT_RECORDS), ~30 MB of them.
    String payload = "p".repeat(2000);
    long before = mv().version();
    for (int w = 0; w < 3; w++) {
      List<JsonObject> records = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        records.add(job("job-" + (w * 5_000 + i), "queued").put("payload", payload));
      }
      store.write("jobs", records, List.of());
    }
    assertThat(mv().version()).as("writes are journaled, not committed").isEqualTo(before);

    mv().checkpoint();

    assertThat(mv().version()).isEqualTo(before + 1);
    assertThat(store.loadAll("jobs")).hasSize(15_000);
  }

  @Test
  void theCheckpointerCommitsJournaledWritesAndDeletesTheSegmentsItCovered() throws IOException {
    store.close();
    try (MvJobStore timed = new MvJobStore(dataDir)) {
      long before = timed.version();
      timed.write("jobs", List.of(job("a", "queued")), List.of());

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (timed.version() == before && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      assertThat(timed.version()).as("committed by the checkpointer").isEqualTo(before + 1);
      assertThat(journalFiles(dataDir)).hasSize(1);
    }
  }

  @Test
  void writesNotYetCheckpointedAreRecoveredFromTheJournal() throws IOException {
    store.write("jobs", List.of(job("a", "queued"), job("b", "queued")), List.of());
    store.write("jobs", List.of(job("a", "succeeded")), List.of("b"));
    store.write("batches", List.of(new JsonObject().put("id", "b1").put("jobs", 2)), List.of());
    // The files as a kill -9 leaves them: no checkpoint has run, the MVStore file holds nothing yet.
    Path copy = copyOf(dataDir);

    try (MvJobStore recovered = new MvJobStore(copy, false, true, Long.MAX_VALUE)) {
      assertThat(journalFiles(copy)).as("replayed segments are deleted, a new one is started").hasSize(1);
      assertThat(Files.size(journalFiles(copy).get(0))).isZero();
      assertThat(recovered.loadAll("jobs")).containsExactly(job("a", "succeeded"));
      assertThat(recovered.loadAll("batches")).containsExactly(new JsonObject().put("id", "b1").put("jobs", 2));
    }
  }

  @Test
  void aWriteCutShortByACrashIsIgnoredAndTheOnesBeforeItKept() throws IOException {
    store.write("jobs", List.of(job("a", "queued")), List.of());
    store.write("jobs", List.of(job("b", "queued")), List.of());
    Path copy = copyOf(dataDir);
    Path segment = journalFiles(copy).get(0);
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 3);
    }

    try (MvJobStore recovered = new MvJobStore(copy, false, true, Long.MAX_VALUE)) {
      assertThat(recovered.loadAll("jobs")).containsExactly(job("a", "queued"));
      recovered.write("jobs", List.of(job("c", "queued")), List.of());
    }
    try (MvJobStore reopened = new MvJobStore(copy)) {
      assertThat(reopened.loadAll("jobs")).containsExactlyInAnyOrder(job("a", "queued"), job("c", "queued"));
    }
  }

  @Test
  void fullSegmentsAreReplacedAndDeletedOnceCheckpointed() throws IOException {
    String payload = "s".repeat(1 << 20);
    int writes = (int) (MvJobStore.SEGMENT_BYTES >> 20) + 2;
    for (int i = 0; i < writes; i++) {
      store.write("jobs", List.of(job("job-" + i, "queued").put("payload", payload)), List.of());
    }
    assertThat(journalFiles(dataDir)).hasSize(2);

    mv().checkpoint();

    assertThat(journalFiles(dataDir)).hasSize(1);
    store.close();
    assertThat(journalFiles(dataDir)).as("close checkpoints and deletes the journal").isEmpty();
    try (MvJobStore reopened = new MvJobStore(dataDir)) {
      assertThat(reopened.loadAll("jobs")).hasSize(writes);
    }
  }

  @Test
  void metersShowWhatWaitsForACheckpointAndTimeEachOne() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    store.registerMeters(JobMeters.of(registry));
    store.write("jobs", List.of(job("a", "queued"), job("b", "queued")), List.of());
    store.write("jobs", List.of(job("a", "succeeded")), List.of());

    assertThat(registry.get("busbar.jobs.store.pending.records").gauge().value()).isEqualTo(2);
    assertThat(registry.get("busbar.jobs.store.journal.bytes").gauge().value()).isPositive();
    assertThat(registry.get("busbar.jobs.store.checkpoint").timer().count()).isZero();

    mv().checkpoint();

    assertThat(registry.get("busbar.jobs.store.pending.records").gauge().value()).isZero();
    assertThat(registry.get("busbar.jobs.store.checkpoint").timer().count()).isEqualTo(1);
  }

  private static List<Path> journalFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(Journal.SUFFIX)).sorted().toList();
    }
  }

  /** A copy of the store's files, taken while it is open: MVStore's file as last committed, and the journal. */
  private Path copyOf(Path dir) throws IOException {
    Path copy = Files.createTempDirectory(dir.getParent(), "copy");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
    }
    return copy;
  }

  @Test
  void rewritingTheSameRecordsKeepsTheFileSmall() throws IOException {
    // 3,000 one-record commits of ~8 KB each: with MVStore's default 45 s retention the file would pass 20 MB.
    long largest = 0;
    for (int i = 0; i < 3_000; i++) {
      store.write("jobs", List.of(paddedJob("job-" + (i % 200), i)), List.of());
      mv().checkpoint();
      largest = Math.max(largest, Files.size(mv().file()));
    }

    assertThat(largest).isLessThan(2L << 20);
    assertThat(store.loadAll("jobs")).hasSize(200);
  }

  @Test
  void theFileShrinksOnceMostOfItIsFreeAgain() throws IOException {
    // Commits do not shrink the file for every free chunk at its end (each shrink forces the file to the device
    // first), but a file emptied by deletes gives its space back while the store is open.
    for (int i = 0; i < 200; i++) {
      List<JsonObject> batch = new ArrayList<>();
      for (int j = 0; j < 100; j++) {
        batch.add(paddedJob("job-" + (i * 100 + j), i));
      }
      store.write("jobs", batch, List.of());
      mv().checkpoint();
    }
    long full = Files.size(mv().file());
    for (int i = 0; i < 200; i++) {
      List<String> ids = new ArrayList<>();
      for (int j = 0; j < 100; j++) {
        ids.add("job-" + (i * 100 + j));
      }
      store.write("jobs", List.of(), ids);
      mv().checkpoint();
    }
    for (int i = 0; i < 300; i++) {
      store.write("jobs", List.of(paddedJob("job-" + (i % 10), i)), List.of());
      mv().checkpoint();
    }

    assertThat(full).isGreaterThan(4L << 20);
    assertThat(Files.size(mv().file())).isLessThan(full / 4);
    assertThat(store.loadAll("jobs")).hasSize(10);
  }

  @Test
  void randomRewritesOfManyRecordsStayWithinABound() throws IOException {
    // Spread updates leave chunks partly live; without compaction this file reaches ~5x the loaded size and keeps
    // growing with the record count (50,000 records: 68 MB against 17 MB loaded; with compaction, 25 MB).
    int records = 5_000;
    List<JsonObject> initial = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      initial.add(paddedJob("job-" + i, 0));
    }
    store.write("jobs", initial, List.of());
    mv().checkpoint();
    long loaded = Files.size(mv().file());
    Random random = new Random(42);
    long largest = 0;
    for (int i = 0; i < 3_000; i++) {
      store.write("jobs", List.of(paddedJob("job-" + random.nextInt(records), i)), List.of());
      mv().checkpoint();
      largest = Math.max(largest, Files.size(mv().file()));
    }

    assertThat(largest).isLessThan(6 * loaded);
    assertThat(Files.size(mv().file())).isLessThan(5 * loaded);
    assertThat(store.loadAll("jobs")).hasSize(records);
  }
}
