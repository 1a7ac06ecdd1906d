package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing JVM with SIGKILL and checks that the store kept every write it acknowledged, and no torn one. */
class MvJobStoreCrashTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  /** Acknowledged writes to wait for before the kill; the writer keeps going until it dies. */
  private static final int ACKS_BEFORE_KILL = 300;
  private static final String END_OF_OUTPUT = "\u0000eof";

  @TempDir
  Path dir;

  @Test
  void aKilledWriterLosesNoAcknowledgedWrite() throws Exception {
    Path dataDir = dir.resolve("data");
    Path stderr = dir.resolve("writer.err");
    Process writer = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        CrashWriter.class.getName(), dataDir.toString(), "1000000")
        .redirectError(stderr.toFile())
        .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread pump = pumpLines(writer, lines);
    List<String> acked = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (acked.size() < ACKS_BEFORE_KILL) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(line).as("writer output before the deadline; stderr: %s", readQuietly(stderr)).isNotNull();
        assertThat(line).as("writer ended early; stderr: %s", readQuietly(stderr)).isNotEqualTo(END_OF_OUTPUT);
        if (line.startsWith("job-")) {
          acked.add(line);
        }
      }
    } finally {
      // SIGKILL through the ProcessHandle: Process.destroyForcibly() sends the same signal but also closes our end of
      // the writer's stdout, which would drop the acknowledgements still in the pipe.
      writer.toHandle().destroyForcibly();
      assertThat(writer.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("writer is dead").isTrue();
    }
    // Lines the writer printed before it died are acknowledged too: read the pipe to its end.
    pump.join(DEADLINE.toMillis());
    assertThat(pump.isAlive()).as("writer's stdout reached its end").isFalse();
    for (String line = lines.poll(); line != null && !line.equals(END_OF_OUTPUT); line = lines.poll()) {
      if (line.startsWith("job-")) {
        acked.add(line);
      }
    }

    try (JobStore reopened = new MvJobStore(dataDir)) {
      List<JsonObject> records = reopened.loadAll("jobs");
      Set<String> ids = new HashSet<>();
      records.forEach(record -> ids.add(record.getString("id")));
      assertThat(ids).containsAll(acked);
      // Each write put job-N and head{last: N} together: exactly job-0..job-last must be there, no more, no less.
      int last = records.stream().filter(r -> r.getString("id").equals("head")).findFirst().orElseThrow()
          .getInteger(CrashWriter.LAST);
      assertThat(last).isGreaterThanOrEqualTo(acked.size() - 1);
      assertThat(ids).hasSize(last + 2);
      for (int seq = 0; seq <= last; seq++) {
        assertThat(ids).contains("job-" + seq);
      }
    }
  }

  private static Thread pumpLines(Process process, BlockingQueue<String> lines) {
    Thread pump = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // Only if the stream is closed under us; a killed writer just ends the stream.
      } finally {
        lines.add(END_OF_OUTPUT);
      }
    }, "crash-writer-stdout");
    pump.setDaemon(true);
    pump.start();
    return pump;
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
