package io.busbar.bench.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Busbar fat jar under test, run as a child process from the Busbar directory with its output in a log file.
 * It listens on 127.0.0.1 and a free port; {@code mvstore} mode gets a fresh data directory, deleted on
 * {@link #close()}. Closing stops the process within about 15 s: SIGTERM, then SIGKILL after 10 s.
 */
final class BusbarServer implements AutoCloseable {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);
  private static final Duration FORCED_STOP = Duration.ofSeconds(5);

  private final String mode;
  private final int port;
  private final Path log;
  private final Path dataDir;
  private final Process process;

  private BusbarServer(String mode, int port, Path log, Path dataDir, Process process) {
    this.mode = mode;
    this.port = port;
    this.log = log;
    this.dataDir = dataDir;
    this.process = process;
  }

  /** Starts the jar with {@code BUSBAR_JOBS_STORE=<mode>}; call {@link #awaitReady} before using it. */
  static BusbarServer start(JobsBenchConfig config, String mode, Path logsDir) throws IOException {
    if (mode.equals("fake")) {
      return startFake(config, logsDir);
    }
    if (!Files.isRegularFile(config.busbarJar())) {
      throw new IllegalStateException("no Busbar jar at " + config.busbarJar()
        + "; build it with: mvn -f " + config.busbarDir().resolve("pom.xml") + " -q -DskipTests package");
    }
    Path jar = Files.copy(config.busbarJar(), logsDir.resolve("busbar-under-test.jar"),
      StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    Path dataDir = Files.createTempDirectory("busbar-jobs-" + mode + "-");
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(config.jvmFlags());
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(config.busbarDir().toFile());
    builder.environment().put("BUSBAR_HTTP_HOST", "127.0.0.1");
    builder.environment().put("BUSBAR_HTTP_PORT", Integer.toString(port));
    builder.environment().put("BUSBAR_JOBS_STORE", mode);
    builder.environment().put("BUSBAR_JOBS_DATA_DIR", dataDir.toString());
    builder.environment().putAll(config.serverEnv());
    Path log = logsDir.resolve("busbar-" + mode + ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    try {
      return new BusbarServer(mode, port, log, dataDir, builder.start());
    } catch (IOException e) {
      deleteTree(dataDir);
      throw e;
    }
  }

  /** Starts {@link FakeJobsServer} with this JVM's class path. */
  private static BusbarServer startFake(JobsBenchConfig config, Path logsDir) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(config.jvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), FakeJobsServer.class.getName(),
      Integer.toString(port)));
    Path log = logsDir.resolve("fake.log");
    Path dataDir = Files.createTempDirectory("busbar-jobs-fake-");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    return new BusbarServer("fake", port, log, dataDir, builder.start());
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  /** CPU time the server process has used so far, in nanoseconds, or -1 when the platform does not say. */
  long cpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /** Throws, with the tail of the log, when the process has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("Busbar (" + mode + ") exited with code " + process.exitValue() + "; log "
        + log + ":\n" + logTail(30));
    }
  }

  /** Polls {@code GET /ready} until it answers 200; fails at the deadline or when the process exits. */
  void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
      .timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      checkAlive();
      try {
        int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return;
        }
        last = "HTTP " + status;
      } catch (ConnectException e) {
        last = "connection refused";
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException("Busbar (" + mode + ") not ready on GET /ready within " + timeout + " (last: "
      + last + "); log " + log + ":\n" + logTail(30));
  }

  /** The last {@code lines} lines of the server log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops the process (bounded in time) and deletes the data directory. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(FORCED_STOP.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      deleteTree(dataDir);
    }
  }

  /** Kills without waiting; for the JVM shutdown hook. */
  void kill() {
    process.destroyForcibly();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp directory is harmless; the run's figures do not depend on it.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
