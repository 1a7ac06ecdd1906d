package io.busbar.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real fat jar ({@code target/busbar.jar}, or the {@code busbar.jar} system property) started as a separate
 * JVM with {@code java -jar}, its output captured line by line. Closing it sends SIGTERM and waits.
 */
public final class JarProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("Busbar gateway listening on https?://[^:]+:(\\d+)");

  private final Process process;
  private final Path ownDataDir;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private JarProcess(Process process, Path ownDataDir) {
    this.process = process;
    this.ownDataDir = ownDataDir;
    Thread reader = new Thread(this::readOutput, "jar-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the jar with {@code env} added to this environment and {@code args} after {@code -jar busbar.jar}. */
  public static JarProcess start(Map<String, String> env, String... args) {
    return launch(env, List.of("-jar", jar().toString()), args);
  }

  /**
   * Starts the jar in a JVM tuned to start fast on a small machine (serial GC, C1 only), for tests that start many
   * nodes; what Busbar does is the same.
   */
  public static JarProcess startLight(Map<String, String> env, String... args) {
    return launch(env, List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()), args);
  }

  /**
   * Starts Busbar's launcher with {@code extra} on the classpath after the fat jar, the way a user adds jars of
   * their own: {@code java -cp busbar.jar:mine.jar io.busbar.app.BusbarLauncher}.
   */
  public static JarProcess startWithClasspath(Map<String, String> env, Path extra, String... args) {
    String classpath = jar() + java.io.File.pathSeparator + extra;
    return launch(env, List.of("-cp", classpath, "io.busbar.app.BusbarLauncher"), args);
  }

  /** The fat jar under test. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("busbar.jar", "target/busbar.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the fat jar is missing: " + jar.toAbsolutePath() + " (run mvn package)");
    }
    return jar;
  }

  private static JarProcess launch(Map<String, String> env, List<String> main, String... args) {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m"));
    command.addAll(main);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Path ownDataDir = null;
    if (!env.containsKey("BUSBAR_JOBS_DATA_DIR")) {
      // Each run gets a store of its own, so that no test recovers another's jobs; removed on close.
      try {
        ownDataDir = Files.createTempDirectory("busbar-data");
        builder.environment().put("BUSBAR_JOBS_DATA_DIR", ownDataDir.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    builder.environment().putAll(env);
    try {
      return new JarProcess(builder.start(), ownDataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("<output closed: " + e.getMessage() + ">");
    }
  }

  /** The port the gateway reports listening on, waiting for the log line. */
  public int awaitPort(Duration timeout) {
    Poll.until("the gateway's listening line in:\n" + output(), timeout,
        () -> lines.stream().anyMatch(l -> LISTENING.matcher(l).find()) || !process.isAlive());
    for (String line : lines) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the jar exited with " + process.exitValue() + " before listening:\n" + output());
  }

  /** Waits until the node answers {@code GET /ready} with 200 and returns its HTTP port. */
  public int awaitReady(Duration timeout) {
    int port = awaitPort(timeout);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
    Poll.until("/ready to answer 200:\n" + output(), timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the jar exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        return client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
    return port;
  }

  /** Waits for the process to end and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running after " + timeout + ":\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public String output() {
    return String.join("\n", lines);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM without waiting: the node stops the way an orchestrator stops it; see {@link #awaitExit}. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: the process dies at once, as in a crash. */
  public void kill() {
    killAll(this);
  }

  /** SIGKILL to every process first, then waits for them: they die together, as in a crash of several hosts. */
  public static void killAll(JarProcess... processes) {
    for (JarProcess p : processes) {
      p.process.destroyForcibly();
    }
    for (JarProcess p : processes) {
      p.awaitExit(Duration.ofSeconds(30));
    }
  }

  /** Waits for a line of output that contains {@code text}. */
  public void awaitLine(String text, Duration timeout) {
    Poll.until("\"" + text + "\" in:\n" + output(), timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the jar exited with " + process.exitValue() + ":\n" + output());
      }
      return lines.stream().anyMatch(l -> l.contains(text));
    });
  }

  /** SIGTERM, then the exit code (SIGKILL after 30 s). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownDataDir != null && !process.isAlive()) {
      deleteTree(ownDataDir);
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing a test for.
    }
  }
}
