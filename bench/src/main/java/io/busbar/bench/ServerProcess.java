package io.busbar.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One server JVM under test, started as a child process with its stdout and stderr sent to a log file.
 * {@link #close()} stops it within about 15 s: SIGTERM, then SIGKILL after 10 s.
 */
final class ServerProcess implements AutoCloseable {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);
  private static final Duration FORCED_STOP = Duration.ofSeconds(5);
  /** Jar copies made by this driver run; a running server's copy is never overwritten. */
  private static final Set<Path> COPIED = ConcurrentHashMap.newKeySet();

  private final String label;
  private final int port;
  private final String readyPath;
  private final Path log;
  private final Process process;

  private ServerProcess(String label, int port, String readyPath, Path log, Process process) {
    this.label = label;
    this.port = port;
    this.readyPath = readyPath;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts the Busbar fat jar from {@code config.busbarDir()} with {@code BUSBAR_HTTP_PORT} set. It runs a
   * private copy of the jar, so a rebuild of {@code target/busbar.jar} during the benchmark cannot break it.
   */
  static ServerProcess startBusbar(BenchConfig config, String label) {
    return startBusbar(config, label, Map.of());
  }

  /**
   * Like {@link #startBusbar(BenchConfig, String)}, with {@code env} added to the server's environment and
   * {@code args} given to the launcher (e.g. {@code -cluster}). The jar is copied once per benchmark run.
   */
  static ServerProcess startBusbar(BenchConfig config, String label, Map<String, String> env, String... args) {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(config.jvmFlags());
    command.add("-jar");
    Path copy = busbarCopy(config);
    command.add((Files.isRegularFile(copy) && COPIED.contains(copy) ? copy
      : privateCopy(config.busbarJar(), copy)).toString());
    COPIED.add(copy);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(config.busbarDir().toFile());
    builder.environment().putAll(env);
    builder.environment().put("BUSBAR_HTTP_PORT", Integer.toString(port));
    // One benchmark connection carries tens of thousands of frames a second; Busbar's per-connection rate limit
    // (10,000/s by default) would throttle it by design, and the bare bridge has none, so it is off for both.
    builder.environment().put("BUSBAR_BRIDGE_RATE_PER_SECOND", "0");
    // Jobs are not measured here: keep their store in memory so each run starts clean.
    builder.environment().put("BUSBAR_JOBS_STORE", "memory");
    return start(builder, config, label, port, "/ready");
  }

  /** Starts {@link BareBridge} with this JVM's class path. */
  static ServerProcess startBare(BenchConfig config, String label) {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(config.jvmFlags());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BareBridge.class.getName());
    command.add(Integer.toString(port));
    command.add(Integer.toString(config.bareInstances()));
    return start(new ProcessBuilder(command), config, label, port, "/eventbus/info");
  }

  private static ServerProcess start(ProcessBuilder builder, BenchConfig config, String label, int port,
                                     String readyPath) {
    try {
      Files.createDirectories(config.logsDir());
      Path log = config.logsDir().resolve(label + ".log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      return new ServerProcess(label, port, readyPath, log, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + label + ": " + builder.command(), e);
    }
  }

  /** Throws when the process has exited, with the tail of its log. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(label + " exited with code " + process.exitValue() + "; log " + log
        + ":\n" + logTail(30));
    }
  }

  String label() {
    return label;
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  /**
   * Polls {@code GET <readyPath>} until it answers 200. Fails when the deadline passes or the process exits.
   */
  void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + readyPath))
      .timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(label + " exited with code " + process.exitValue()
          + " before it was ready; log " + log + ":\n" + logTail(30));
      }
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
    throw new IllegalStateException(label + " not ready on GET " + readyPath + " within " + timeout
      + " (last: " + last + "); log " + log + ":\n" + logTail(30));
  }

  /** The last {@code lines} lines of the server's log, for failure messages. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops the process: SIGTERM, then SIGKILL if it is still alive after 10 s. Bounded in time. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(FORCED_STOP.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Kills without waiting; used from the JVM shutdown hook. */
  void kill() {
    process.destroyForcibly();
  }

  /** Where the copy of the Busbar jar that is actually run lives (it keeps the original's modification time). */
  static Path busbarCopy(BenchConfig config) {
    return config.logsDir().resolve("busbar-under-test.jar");
  }

  private static Path privateCopy(Path jar, Path copy) {
    try {
      Files.createDirectories(copy.getParent());
      return Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + jar + " to " + copy, e);
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }
}
