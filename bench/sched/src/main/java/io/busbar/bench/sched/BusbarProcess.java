package io.busbar.bench.sched;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Busbar fat jar under test, run as a child process from the Busbar directory (so it reads {@code conf/} and
 * {@code verticles/}) on 127.0.0.1 and a free port, with the in-memory store and the queues and pools the driver
 * asks for. The jar is first copied to {@code <copyDir>/busbar-under-test.jar}, so a rebuild of
 * {@code target/busbar.jar} during the run cannot break it. {@link #close()} stops it within about 15 s: SIGTERM,
 * then SIGKILL after 10 s; a JVM shutdown hook does the same if the driver is interrupted.
 */
final class BusbarProcess implements AutoCloseable {

  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);

  private final Process process;
  private final int port;
  private final Path log;
  private final Path jarCopy;
  private final Thread shutdownHook;

  private BusbarProcess(Process process, int port, Path log, Path jarCopy) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.jarCopy = jarCopy;
    this.shutdownHook = new Thread(this::stop, "busbar-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Copies the jar and starts it; call {@link #awaitReady(Duration)} before using it.
   *
   * @param busbarDir the working directory of the server (the Busbar repository root)
   * @param jar the fat jar to copy and run
   * @param copyDir where the private copy and the server log go
   * @param jvmFlags flags of the server JVM
   * @param env extra environment: {@code BUSBAR_JOBS_QUEUES}, {@code BUSBAR_JOBS_POOLS}, …
   */
  static BusbarProcess start(Path busbarDir, Path jar, Path copyDir, List<String> jvmFlags, Map<String, String> env)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no Busbar jar at " + jar + "; build it with: mvn -q -f "
          + busbarDir.resolve("pom.xml") + " -DskipTests package");
    }
    Files.createDirectories(copyDir);
    Path copy = Files.copy(jar, copyDir.resolve("busbar-under-test.jar"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(copy.toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(busbarDir.toFile());
    builder.environment().put("BUSBAR_HTTP_HOST", "127.0.0.1");
    builder.environment().put("BUSBAR_HTTP_PORT", Integer.toString(port));
    builder.environment().put("BUSBAR_JOBS_STORE", "memory");
    builder.environment().putAll(env);
    Path log = copyDir.resolve("busbar-" + Instant.now().toEpochMilli() + ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new BusbarProcess(builder.start(), port, log, copy);
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  /** Size and modification time of the jar copy that runs. */
  Map<String, Object> jarInfo() throws IOException {
    return Map.of("path", jarCopy.toString(), "bytes", Files.size(jarCopy),
        "modified", Files.getLastModifiedTime(jarCopy).toInstant().toString());
  }

  /** Throws, with the tail of the log, when the process has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("Busbar exited with code " + process.exitValue() + "; log " + log + ":\n"
          + logTail(30));
    }
  }

  /** Polls {@code GET /ready} every 100 ms until 200; fails at the deadline or when the process exits. */
  void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = http1(Duration.ofSeconds(1));
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
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException("Busbar not ready on GET /ready within " + timeout + " (last: " + last
        + "); log " + log + ":\n" + logTail(30));
  }

  /** {@code GET <path>} on the server, as text (for {@code /api/queues}). */
  String get(String path) throws IOException, InterruptedException {
    HttpClient http = http1(Duration.ofSeconds(2));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * An HTTP/1.1 client: the JDK client's default h2c upgrade makes vertx-micrometer log a NullPointerException
   * ({@code VertxHttpServerMetrics.requestReset}) on the server for every probe.
   */
  private static HttpClient http1(Duration connectTimeout) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
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

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs stop() again, which is harmless.
    }
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  private void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
