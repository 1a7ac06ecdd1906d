package io.busbar.bench.common;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What a server process uses, read from outside it: its live heap after a full GC ({@code jcmd}), its heap in use
 * (JMX, through the local management agent that the attach API starts), and from {@code /proc/<pid>} its threads,
 * open files and resident memory. None of them goes through the server's event loops, so they answer while the
 * server is saturated. Linux and a JDK with {@code jcmd} are needed; the driver must run as the server's user.
 */
public final class ProcessProbe implements AutoCloseable {

  private static final long JCMD_TIMEOUT_SECONDS = 60;

  private final long pid;
  private final Path jcmd;
  private JMXConnector jmx;
  private MemoryMXBean memory;

  public ProcessProbe(long pid) {
    this.pid = pid;
    Path beside = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    this.jcmd = Files.isExecutable(beside) ? beside : Path.of("jcmd");
  }

  /**
   * Runs a full GC in the server and returns its live objects ({@code jcmd <pid> GC.class_histogram}, which collects
   * before it counts). The server pauses for the collection, typically tens of milliseconds.
   */
  public ClassHistogram liveHeap() throws IOException {
    return ClassHistogram.parse(jcmd("GC.class_histogram"));
  }

  /** {@code jcmd <pid> <command...>}, its output as text; fails when jcmd fails or takes over 60 s. */
  public String jcmd(String... command) throws IOException {
    List<String> line = new java.util.ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
    line.addAll(List.of(command));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    boolean ended;
    try {
      ended = process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = false;
    }
    if (!ended) {
      process.destroyForcibly();
      throw new IOException("jcmd " + String.join(" ", command) + " did not finish within " + JCMD_TIMEOUT_SECONDS
          + " s");
    }
    if (process.exitValue() != 0) {
      throw new IOException("jcmd " + String.join(" ", command) + " exited with " + process.exitValue() + ": "
          + output.substring(0, Math.min(500, output.length())));
    }
    return output;
  }

  /** Heap in use now, garbage included (JMX {@code MemoryMXBean}); no collection is triggered. */
  public synchronized long heapUsed() throws IOException {
    if (memory == null) {
      String address;
      try {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
          address = vm.startLocalManagementAgent();
        } finally {
          vm.detach();
        }
      } catch (AttachNotSupportedException e) {
        throw new IOException("cannot attach to " + pid, e);
      }
      jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
      MBeanServerConnection connection = jmx.getMBeanServerConnection();
      memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME,
          MemoryMXBean.class);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Threads of the process ({@code Threads:} of {@code /proc/<pid>/status}: JVM-internal threads included). */
  public int threads() throws IOException {
    return (int) statusField("Threads:");
  }

  /** Resident memory in bytes ({@code VmRSS}): the heap, direct buffers, metaspace, code, thread stacks. */
  public long residentBytes() throws IOException {
    return statusField("VmRSS:") * 1024;
  }

  /** Open file descriptors (entries of {@code /proc/<pid>/fd}): files, sockets, pipes, epoll. */
  public int openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) fds.count();
    }
  }

  private long statusField(String name) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no " + name + " in /proc/" + pid + "/status");
  }

  @Override
  public synchronized void close() {
    if (jmx != null) {
      try {
        jmx.close();
      } catch (IOException e) {
        // The server is going away; nothing to release on our side.
      }
    }
  }
}
