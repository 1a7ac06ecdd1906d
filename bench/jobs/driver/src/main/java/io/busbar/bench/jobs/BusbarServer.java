package io.busbar.bench.jobs;

import io.busbar.bench.common.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One Busbar fat jar under test ({@link ServerProcess}), run from the Busbar directory with
 * {@code BUSBAR_JOBS_STORE=<mode>}, or the {@link FakeJobsServer} for {@code fake}. Every mode gets a fresh data
 * directory, deleted on {@link #close()}; closing stops the process within about 15 s.
 */
final class BusbarServer implements AutoCloseable {

  private final ServerProcess process;
  private final Path dataDir;

  private BusbarServer(ServerProcess process, Path dataDir) {
    this.process = process;
    this.dataDir = dataDir;
  }

  /** Starts the jar with {@code BUSBAR_JOBS_STORE=<mode>}; call {@link #awaitReady} before using it. */
  static BusbarServer start(JobsBenchConfig config, String mode, Path logsDir) throws IOException {
    Path dataDir = Files.createTempDirectory("busbar-jobs-" + mode + "-");
    try {
      ServerProcess.Builder builder = mode.equals("fake")
        ? ServerProcess.javaMain(FakeJobsServer.class.getName(), "/ready", "{port}")
        : ServerProcess.busbar(config.busbarDir(), config.busbarJar()).env("BUSBAR_JOBS_STORE", mode)
          .env("BUSBAR_JOBS_DATA_DIR", dataDir.toString()).env(config.serverEnv());
      ServerProcess process = builder.label(mode).logName(mode.equals("fake") ? "fake.log" : "busbar-" + mode + ".log")
        .logsDir(logsDir).jvmFlags(config.jvmFlags()).start();
      return new BusbarServer(process, dataDir);
    } catch (IOException | RuntimeException e) {
      deleteTree(dataDir);
      throw e;
    }
  }

  int port() {
    return process.port();
  }

  Path log() {
    return process.log();
  }

  /** CPU time the server process has used so far, in nanoseconds, or -1 when the platform does not say. */
  long cpuNanos() {
    return process.cpuNanos();
  }

  /** Throws, with the tail of the log, when the process has exited. */
  void checkAlive() {
    process.checkAlive();
  }

  /** Polls {@code GET /ready} until it answers 200; fails at the deadline or when the process exits. */
  void awaitReady(Duration timeout) throws InterruptedException {
    process.awaitReady(timeout);
  }

  /** Stops the process (bounded in time) and deletes the data directory. */
  @Override
  public void close() {
    try {
      process.close();
    } finally {
      deleteTree(dataDir);
    }
  }

  /** Kills without waiting; for the JVM shutdown hook. */
  void kill() {
    process.kill();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp directory is harmless; the run's figures do not depend on it.
    }
  }
}
