package io.busbar.bench.common;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server JVM under test, run as a child process on 127.0.0.1 and a free port, with its stdout and stderr in a log
 * file: the Busbar fat jar ({@link #busbar}) or a class of the driver's own class path ({@link #javaMain}).
 *
 * <p>The Busbar jar is first copied to {@code <logsDir>/busbar-under-test.jar} (keeping its modification time; an
 * identical copy already there is reused), so a rebuild of {@code target/busbar.jar} during a run cannot break it.
 * {@link #close()} stops the process within about 15 s (SIGTERM, then SIGKILL after 10 s); a JVM shutdown hook does
 * the same if the driver is terminated.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);
  private static final Duration FORCED_STOP = Duration.ofSeconds(5);

  private final String label;
  private final int port;
  private final String readyPath;
  private final Path log;
  private final Path jarCopy;
  private final Process process;
  private final Thread shutdownHook;

  private ServerProcess(String label, int port, String readyPath, Path log, Path jarCopy, Process process) {
    this.label = label;
    this.port = port;
    this.readyPath = readyPath;
    this.log = log;
    this.jarCopy = jarCopy;
    this.process = process;
    this.shutdownHook = new Thread(this::stop, "stop-" + label);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * A Busbar fat jar, run from {@code busbarDir} (so it reads {@code conf/} and {@code verticles/}) with
   * {@code BUSBAR_HTTP_HOST=127.0.0.1} and {@code BUSBAR_HTTP_PORT=<free port>}; ready when {@code GET /ready} = 200.
   */
  public static Builder busbar(Path busbarDir, Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no Busbar jar at " + jar + "; build it with: mvn -q -f "
          + busbarDir.resolve("pom.xml") + " -DskipTests package");
    }
    return new Builder("busbar", busbarDir, jar, null, List.of(), "/ready");
  }

  /**
   * {@code mainClass} from this JVM's class path, given {@code args} where the text {@code {port}} stands for the
   * free port it must listen on; ready when {@code GET <readyPath>} = 200.
   */
  public static Builder javaMain(String mainClass, String readyPath, String... args) {
    return new Builder(mainClass, null, null, mainClass, List.of(args), readyPath);
  }

  /** Settings of a process to start; {@link #start()} starts it. */
  public static final class Builder {

    private String label;
    private final Path workDir;
    private final Path jar;
    private final String mainClass;
    private final List<String> args;
    private final String readyPath;
    private final Map<String, String> env = new LinkedHashMap<>();
    private List<String> jvmFlags = List.of();
    private List<String> jarArgs = List.of();
    private Path logsDir = Path.of("target");
    private String logName;

    private Builder(String label, Path workDir, Path jar, String mainClass, List<String> args, String readyPath) {
      this.label = label;
      this.workDir = workDir;
      this.jar = jar;
      this.mainClass = mainClass;
      this.args = args;
      this.readyPath = readyPath;
    }

    /** The name in messages and of the log file ({@code <label>.log} unless {@link #logName} says otherwise). */
    public Builder label(String value) {
      label = value;
      return this;
    }

    /** Where the log file and the jar copy go (created if missing). */
    public Builder logsDir(Path value) {
      logsDir = value;
      return this;
    }

    /** The log file's name in the logs directory. */
    public Builder logName(String value) {
      logName = value;
      return this;
    }

    /** Flags of the server JVM, before {@code -jar} or {@code -cp}. */
    public Builder jvmFlags(List<String> value) {
      jvmFlags = List.copyOf(value);
      return this;
    }

    /** Arguments of the Busbar launcher, after the jar (e.g. {@code -cluster}); for {@link #busbar} only. */
    public Builder jarArgs(String... values) {
      jarArgs = List.of(values);
      return this;
    }

    /** One environment variable of the server (e.g. {@code BUSBAR_JOBS_STORE}). */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Several environment variables; later calls win. */
    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    /** Starts the process; call {@link ServerProcess#awaitReady(Duration)} before using it. */
    public ServerProcess start() throws IOException {
      Files.createDirectories(logsDir);
      int port = freePort();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmFlags);
      Path copy = null;
      if (jar != null) {
        copy = copyOf(jar, busbarCopy(logsDir));
        command.add("-jar");
        command.add(copy.toString());
        command.addAll(jarArgs);
      } else {
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        args.forEach(a -> command.add(a.replace("{port}", Integer.toString(port))));
      }
      ProcessBuilder builder = new ProcessBuilder(command);
      if (workDir != null) {
        builder.directory(workDir.toFile());
      }
      if (jar != null) {
        builder.environment().put("BUSBAR_HTTP_HOST", "127.0.0.1");
        builder.environment().put("BUSBAR_HTTP_PORT", Integer.toString(port));
      }
      builder.environment().putAll(env);
      Path log = logsDir.resolve(logName != null ? logName : label + ".log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      return new ServerProcess(label, port, readyPath, log, copy, builder.start());
    }
  }

  /**
   * Copies {@code jar} to {@code copy} unless an identical copy (same size and modification time, to the
   * millisecond: file systems keep different precisions) is there already, so that servers started side by side
   * share one copy. A new copy is written beside and moved into place in one step, so a JVM starting meanwhile
   * never opens a half-written jar.
   */
  private static Path copyOf(Path jar, Path copy) throws IOException {
    if (Files.isRegularFile(copy) && Files.size(copy) == Files.size(jar)
        && Files.getLastModifiedTime(copy).toMillis() == Files.getLastModifiedTime(jar).toMillis()) {
      return copy;
    }
    Path partial = Files.createTempFile(copy.getParent(), "busbar-", ".jar.partial");
    try {
      Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      return Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Where {@link #busbar} copies the jar it runs, in {@code logsDir}. */
  public static Path busbarCopy(Path logsDir) {
    return logsDir.resolve("busbar-under-test.jar");
  }

  public String label() {
    return label;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** The operating system's process id, for {@code jcmd} and {@code /proc}. */
  public long pid() {
    return process.pid();
  }

  /** CPU time the process has used so far, in nanoseconds, or -1 when the platform does not say. */
  public long cpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /** Path, size and modification time of the jar copy that runs (empty for {@link #javaMain} processes). */
  public Map<String, Object> jarInfo() {
    Map<String, Object> info = new LinkedHashMap<>();
    if (jarCopy == null) {
      return info;
    }
    info.put("path", jarCopy.toString());
    try {
      info.put("bytes", Files.size(jarCopy));
      info.put("modified", Files.getLastModifiedTime(jarCopy).toInstant().toString());
    } catch (IOException e) {
      info.put("unreadable", e.toString());
    }
    return info;
  }

  /** Throws, with the tail of the log, when the process has exited. */
  public void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(label + " exited with code " + process.exitValue() + "; log " + log + ":\n"
          + logTail(30));
    }
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Polls {@code GET <readyPath>} every 100 ms until 200; fails at the deadline or when the process exits. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = http1(Duration.ofSeconds(1));
    HttpRequest probe = HttpRequest.newBuilder(uri(readyPath)).timeout(Duration.ofSeconds(2)).GET().build();
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
      TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException(label + " not ready on GET " + readyPath + " within " + timeout + " (last: "
        + last + "); log " + log + ":\n" + logTail(30));
  }

  /** {@code GET <path>} on the server, as text; fails on a status other than 200. */
  public String get(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> response = http1(Duration.ofSeconds(2)).send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /**
   * An HTTP/1.1 client: the JDK client's default h2c upgrade makes vertx-micrometer log a NullPointerException
   * ({@code VertxHttpServerMetrics.requestReset}) on the server for every probe.
   */
  private static HttpClient http1(Duration connectTimeout) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
  }

  /** The last {@code lines} lines of the server log, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops the process, bounded in time: SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs stop() again, which is harmless.
    }
  }

  /** Kills without waiting; for a driver's own shutdown hook. */
  public void kill() {
    process.destroyForcibly();
  }

  private void stop() {
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

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
