package io.busbar.jobs.store;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The process that {@link MvJobStoreCrashTest} kills. Usage: {@code CrashWriter <dataDir> <count>}. Writes
 * {@code job-0}, {@code job-1}, ... one {@code write} each, together with a {@code head} record holding the last
 * sequence number, and prints each id on its own line once {@code write} has returned.
 */
public final class CrashWriter {

  /** Field of the {@code head} record: the sequence number of the last job written with it. */
  static final String LAST = "last";

  private CrashWriter() {
  }

  public static void main(String[] args) {
    Path dataDir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    // The acknowledgements are this process's protocol with the test, so they go to stdout, one flush per line.
    PrintStream acks = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String payload = "x".repeat(300);
    try (JobStore store = new MvJobStore(dataDir)) {
      acks.println("open");
      for (int seq = 0; seq < count; seq++) {
        String id = "job-" + seq;
        JsonObject job = new JsonObject().put("id", id).put("seq", seq).put("payload", payload);
        JsonObject head = new JsonObject().put("id", "head").put(LAST, seq);
        store.write("jobs", List.of(job, head), List.of());
        acks.println(id);
      }
    }
    acks.println("done");
  }
}
