package io.busbar.bench.hardening;

import io.busbar.bench.common.ClassHistogram;
import io.busbar.bench.common.ProcessProbe;
import io.busbar.bench.common.Prometheus;
import io.busbar.bench.common.ServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

/**
 * A server JVM under test (Busbar or the bare vertx-web bridge) with what the benchmarks read from it: Busbar's
 * Prometheus figures ({@code GET /metrics}; NaN on the bare bridge, which has none) and, from outside the process,
 * its live heap after a full GC, threads, open files and resident memory.
 */
final class ServerUnderTest implements AutoCloseable {

  private final ServerProcess process;
  private final ProcessProbe probe;
  private final boolean hasMetrics;

  ServerUnderTest(ServerProcess process, boolean hasMetrics) {
    this.process = process;
    this.probe = new ProcessProbe(process.pid());
    this.hasMetrics = hasMetrics;
  }

  ServerProcess process() {
    return process;
  }

  ProcessProbe probe() {
    return probe;
  }

  String label() {
    return process.label();
  }

  int port() {
    return process.port();
  }

  /** The current scrape, or an empty text for a server without metrics. */
  String scrape() throws IOException, InterruptedException {
    return hasMetrics ? process.get("/metrics") : "";
  }

  /** The sum of one meter over its label sets, or NaN. */
  double metric(String name) throws IOException, InterruptedException {
    return hasMetrics ? Prometheus.sum(scrape(), name) : Double.NaN;
  }

  /**
   * {@link #metric}, or NaN when the server does not answer in time: a saturated gateway event loop serves
   * {@code /metrics} late, and a benchmark window must not fail for it.
   */
  double metricOrNaN(String name) throws InterruptedException {
    try {
      return metric(name);
    } catch (IOException e) {
      Report.progress(label() + ": no " + name + " (" + e + ")");
      return Double.NaN;
    }
  }

  /** Bridge connections open on Busbar (WebSocket and SockJS). */
  double bridgeConnections(String scrape) {
    return Prometheus.sum(scrape, "busbar_gateway_connections", "transport=\"websocket\"")
        + Prometheus.sum(scrape, "busbar_gateway_connections", "transport=\"sockjs\"");
  }

  /**
   * Polls {@code name} every 200 ms until {@code condition} holds; returns the value. Returns NaN at once on a server
   * without metrics; fails at the deadline with the last value.
   */
  double awaitMetric(String name, DoublePredicate condition, Duration timeout)
      throws IOException, InterruptedException {
    if (!hasMetrics) {
      return Double.NaN;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    double value = Double.NaN;
    while (System.nanoTime() < deadline) {
      process.checkAlive();
      value = name.equals("bridge_connections") ? bridgeConnections(scrape()) : metric(name);
      if (condition.test(value)) {
        return value;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException(label() + ": " + name + " still " + value + " after " + timeout);
  }

  /** Live heap (after a full GC), threads, open files and resident memory, with the event-bus handlers. */
  Resources resources() throws IOException, InterruptedException {
    ClassHistogram heap = probe.liveHeap();
    return new Resources(heap, probe.threads(), probe.openFiles(), probe.residentBytes(),
        hasMetrics ? metricOrNaN("vertx_eventbus_handlers") : Double.NaN);
  }

  /**
   * What a server holds at one moment.
   *
   * @param heap live objects after a full GC
   * @param threads threads of the process
   * @param openFiles open file descriptors
   * @param residentBytes resident memory
   * @param handlers event-bus handlers ({@code vertx_eventbus_handlers}), NaN without metrics
   */
  record Resources(ClassHistogram heap, int threads, int openFiles, long residentBytes, double handlers) {

    JsonObject toJson() {
      return new JsonObject().put("liveHeapBytes", heap.totalBytes()).put("liveObjects", heap.totalInstances())
          .put("threads", threads).put("openFiles", openFiles).put("residentBytes", residentBytes)
          .put("eventBusHandlers", Double.isNaN(handlers) ? null : (long) handlers);
    }
  }

  @Override
  public void close() {
    probe.close();
    process.close();
  }
}
