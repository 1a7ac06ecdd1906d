package io.busbar.bench.hardening;

import io.busbar.bench.common.BenchArgs;
import io.busbar.bench.common.BridgeSocket;
import io.busbar.bench.common.Machine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The soak (issue 7): first the maximum mixed traffic the node sustains (request/reply to {@code demo.echo} over the
 * bridge, publish to {@code bench.soak} with four subscribers, no-op jobs submitted over HTTP whose completion comes
 * back on a bridge inbox; all in a closed loop at once), then {@code soak.fraction} of each kind's rate in an open
 * loop for {@code soak.duration}, with connection churn beside it. Every {@code soak.sample} seconds it records the
 * server's event-bus handlers, threads, open files, heap in use and resident memory, and every {@code soak.gc.every}
 * seconds its live heap after a full GC. The run fails (exit 1) when a criterion is broken: any error, the load not
 * applied, live heap at the end more than 10 % from the start, or handlers, threads or open files growing.
 */
final class SoakBench {

  private final HardeningBench.Common common;
  private final long capacityWarmupMs;
  private final long capacityMs;
  private final double fraction;
  private final long durationMs;
  private final long warmupMs;
  private final long sampleMs;
  private final long gcEveryMs;
  private final int echoSockets;
  private final int echoInFlight;
  private final int subscribers;
  private final int publishInFlight;
  private final int jobInFlight;
  private final int httpConnections;
  private final double churnPerSecond;
  private final long opTimeoutMs;
  private final double heapTolerance;
  private final int eventLoops;
  private final String store;
  private final List<String> jvmFlags;

  SoakBench(HardeningBench.Common common, BenchArgs args) {
    this.common = common;
    this.capacityWarmupMs = millis(args, "soak.capacity.warmup");
    this.capacityMs = millis(args, "soak.capacity.measure");
    this.fraction = args.number("soak.fraction", 0.01, 1);
    this.durationMs = millis(args, "soak.duration");
    this.warmupMs = millis(args, "soak.warmup");
    this.sampleMs = millis(args, "soak.sample");
    this.gcEveryMs = millis(args, "soak.gc.every");
    this.echoSockets = args.whole("soak.echo.sockets", 1, 1000);
    this.echoInFlight = args.whole("soak.echo.inflight", 1, 1000);
    this.subscribers = args.whole("soak.subscribers", 1, 1000);
    this.publishInFlight = args.whole("soak.publish.inflight", 1, 1000);
    this.jobInFlight = args.whole("soak.job.inflight", 1, 1000);
    this.httpConnections = args.whole("soak.http.connections", 1, 100);
    this.churnPerSecond = args.number("soak.churn", 0, 1000);
    this.opTimeoutMs = millis(args, "soak.op.timeout");
    this.heapTolerance = args.number("soak.heap.tolerance", 0, 10);
    this.eventLoops = args.whole("client.loops", 1, 64);
    this.store = args.string("soak.store");
    this.jvmFlags = List.of(args.string("soak.jvm.flags").trim().split("\\s+"));
    if (sampleMs < 1000 || gcEveryMs < sampleMs || durationMs < 4 * sampleMs) {
      throw new BenchArgs.BadSetting("soak.sample", "at least 1 s, at most soak.gc.every and a quarter of "
          + "soak.duration");
    }
  }

  private static long millis(BenchArgs args, String key) {
    return Math.round(args.number(key, 0, 86_400) * 1000);
  }

  static void defaults(Map<String, String> d, boolean quick) {
    d.put("soak.capacity.warmup", quick ? "5" : "15");
    d.put("soak.capacity.measure", quick ? "10" : "20");
    d.put("soak.fraction", "0.5");
    // The warm-up covers the dashboard's history (stats.historySize 300 snapshots, one a second), a bounded buffer
    // that fills for 5 minutes; then 10 minutes are measured.
    d.put("soak.duration", quick ? "60" : "930");
    d.put("soak.warmup", quick ? "10" : "330");
    d.put("soak.sample", quick ? "5" : "10");
    d.put("soak.gc.every", quick ? "15" : "60");
    d.put("soak.echo.sockets", "4");
    d.put("soak.echo.inflight", "16");
    d.put("soak.subscribers", "4");
    d.put("soak.publish.inflight", "16");
    d.put("soak.job.inflight", "64");
    d.put("soak.http.connections", "4");
    d.put("soak.churn", "2");
    d.put("soak.op.timeout", "10");
    d.put("soak.heap.tolerance", "0.10");
    d.put("soak.store", "mvstore");
    d.put("soak.jvm.flags", "-Xmx512m");
  }

  HardeningBench.Outcome run() throws Exception {
    JsonObject machine = Machine.snapshot();
    Machine.CpuTicks cpuAtStart = Machine.CpuTicks.now();
    Path dataDir = Files.createTempDirectory("busbar-soak-");
    JsonObject out;
    List<Report.Criterion> criteria = new ArrayList<>();
    try (ServerUnderTest server = HardeningBench.startServer(common, "busbar", jvmFlags,
            Map.of("BUSBAR_JOBS_STORE", store, "BUSBAR_JOBS_DATA_DIR", dataDir.toString()));
        Client client = new Client(eventLoops)) {
      out = soak(server, client, criteria);
      out.put("jar", new JsonObject(new LinkedHashMap<>(server.process().jarInfo())));
    } finally {
      try (Stream<Path> paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    out.put("machine", machine.put("loadAverageAtEnd", Machine.loadAverage())
        .put("machineCoresBusy", Report.round(Machine.CpuTicks.now().coresBusySince(cpuAtStart), 2)));
    out.put("criteria", Report.criteriaJson(criteria));
    criteria.forEach(c -> System.out.println(c.line()));
    return new HardeningBench.Outcome(out, criteria);
  }

  private JsonObject soak(ServerUnderTest server, Client client, List<Report.Criterion> criteria) throws Exception {
    ServerUnderTest.Resources quietBefore = server.resources();
    List<LoadKind> kinds = new ArrayList<>();
    List<Kinds.Echo> echoes = new ArrayList<>();
    for (int i = 0; i < echoSockets; i++) {
      echoes.add(new Kinds.Echo(client.context(i), i, opTimeoutMs).open(client.webSockets(), server.port()));
    }
    kinds.addAll(echoes);
    Kinds.Publish publish = new Kinds.Publish(client.context(echoSockets), subscribers, opTimeoutMs)
        .open(client.webSockets(), server.port());
    kinds.add(publish);
    Kinds.Job jobs = new Kinds.Job(client.context(echoSockets + 1), opTimeoutMs).open(client, server.port(),
        httpConnections);
    kinds.add(jobs);
    server.awaitMetric("busbar_gateway_subscriptions", v -> v >= subscribers + 1, Duration.ofSeconds(30));

    // 1. Capacity: every kind in a closed loop at once.
    Report.progress("soak: measuring capacity (closed loop, " + (capacityWarmupMs + capacityMs) / 1000 + " s)");
    echoes.forEach(e -> e.startClosed(echoInFlight));
    publish.startClosed(publishInFlight);
    jobs.startClosed(jobInFlight);
    TimeUnit.MILLISECONDS.sleep(capacityWarmupMs);
    Map<String, Long> before = counts(kinds);
    long t0 = System.nanoTime();
    TimeUnit.MILLISECONDS.sleep(capacityMs);
    Map<String, Long> after = counts(kinds);
    double capacitySeconds = (System.nanoTime() - t0) / 1e9;
    JsonObject capacityLatency = latencies(kinds);
    for (LoadKind k : kinds) {
      k.stopAndDrain(opTimeoutMs + 1000);
    }
    Map<String, Double> capacity = new LinkedHashMap<>();
    for (String kind : after.keySet()) {
      capacity.put(kind, (after.get(kind) - before.get(kind)) / capacitySeconds);
    }
    long capacityErrors = kinds.stream().mapToLong(LoadKind::errors).sum();
    Report.progress("soak: capacity " + format(capacity) + " ops/s, errors " + capacityErrors);
    Map<String, Long> errorsBefore = errors(kinds);
    Map<String, Long> countsBefore = counts(kinds);

    // 2. Soak: each kind at fraction of its capacity, open loop, plus churn.
    Kinds.Churn churn = new Kinds.Churn(client.context(echoSockets + 2), client.webSockets(), server.port(),
        opTimeoutMs);
    Map<String, Double> target = new LinkedHashMap<>();
    capacity.forEach((k, v) -> target.put(k, v * fraction));
    for (Kinds.Echo e : echoes) {
      e.startOpen(target.get("request") / echoes.size());
    }
    publish.startOpen(target.get("publish"));
    jobs.startOpen(target.get("job"));
    if (churnPerSecond > 0) {
      churn.startOpen(churnPerSecond);
    }
    Report.progress("soak: " + durationMs / 1000 + " s at " + format(target) + " ops/s, churn " + churnPerSecond
        + " connections/s");
    JsonArray samples = new JsonArray();
    JsonArray liveHeap = new JsonArray();
    long soakStart = System.nanoTime();
    long nextGc = soakStart + TimeUnit.MILLISECONDS.toNanos(warmupMs);
    long end = soakStart + TimeUnit.MILLISECONDS.toNanos(durationMs);
    long nextSample = soakStart;
    while (true) {
      long now = System.nanoTime();
      if (now >= nextSample) {
        server.process().checkAlive();
        samples.add(sample(server, kinds, churn, (now - soakStart) / 1e9));
        nextSample += TimeUnit.MILLISECONDS.toNanos(sampleMs);
      }
      if (now >= nextGc) {
        long heap = server.probe().liveHeap().totalBytes();
        liveHeap.add(new JsonObject().put("t", Report.round((System.nanoTime() - soakStart) / 1e9, 1))
            .put("liveHeapBytes", heap));
        Report.progress(String.format(Locale.ROOT, "soak: t=%.0f s live heap %d bytes, errors %d",
            (now - soakStart) / 1e9, heap, totalErrors(kinds, churn) - errorsBefore.values().stream()
                .mapToLong(Long::longValue).sum()));
        nextGc = Math.min(nextGc + TimeUnit.MILLISECONDS.toNanos(gcEveryMs), end);
        if (now >= end) {
          break;
        }
      }
      TimeUnit.MILLISECONDS.sleep(Math.max(1, Math.min(nextSample, nextGc) - System.nanoTime()) / 1_000_000 + 1);
    }
    double soakSeconds = (System.nanoTime() - soakStart) / 1e9;
    Map<String, Long> countsAfter = counts(kinds);
    countsAfter.put("churn", churn.completed());
    for (LoadKind k : kinds) {
      k.stopAndDrain(opTimeoutMs + 1000);
    }
    churn.stopAndDrain(opTimeoutMs + 1000);
    JsonObject soakLatency = latencies(kinds);

    // 3. Quiet again: close every socket and look at what is left.
    for (Kinds.Echo e : echoes) {
      e.socket().close().await(10, TimeUnit.SECONDS);
    }
    for (BridgeSocket s : publish.sockets()) {
      s.close().await(10, TimeUnit.SECONDS);
    }
    jobs.close();
    server.awaitMetric("bridge_connections", v -> v == 0, Duration.ofSeconds(60));
    TimeUnit.SECONDS.sleep(5);
    ServerUnderTest.Resources quietAfter = server.resources();
    server.process().checkAlive();

    Map<String, Long> soakErrors = errorsSince(kinds, errorsBefore);
    Map<String, String> firstErrors = new LinkedHashMap<>();
    soakErrors.put("churn", churn.errors());
    for (LoadKind k : kinds) {
      if (k.firstError() != null) {
        firstErrors.putIfAbsent(k.name, k.firstError());
      }
    }
    if (churn.firstError() != null) {
      firstErrors.put("churn", churn.firstError());
    }
    Map<String, Double> achieved = new LinkedHashMap<>();
    for (String kind : target.keySet()) {
      achieved.put(kind, (countsAfter.get(kind) - countsBefore.get(kind)) / soakSeconds);
    }
    achieved.put("churn", countsAfter.get("churn") / soakSeconds);
    addCriteria(criteria, soakErrors, target, achieved, liveHeap, samples, quietBefore, quietAfter);

    JsonObject result = new JsonObject().put("benchmark", "hardening-soak")
        .put("settings", new JsonObject().put("capacityWarmupSeconds", capacityWarmupMs / 1000.0)
            .put("capacitySeconds", capacityMs / 1000.0).put("fraction", fraction)
            .put("durationSeconds", durationMs / 1000.0).put("warmupSeconds", warmupMs / 1000.0)
            .put("sampleSeconds", sampleMs / 1000.0).put("gcEverySeconds", gcEveryMs / 1000.0)
            .put("echoSockets", echoSockets).put("echoInFlightPerSocket", echoInFlight)
            .put("subscribers", subscribers).put("publishInFlight", publishInFlight).put("jobInFlight", jobInFlight)
            .put("httpConnections", httpConnections).put("churnPerSecond", churnPerSecond)
            .put("opTimeoutMs", opTimeoutMs).put("heapTolerance", heapTolerance).put("store", store)
            .put("serverJvmFlags", String.join(" ", jvmFlags))
            .put("jobs", "noop on queue default, resultTtlMs 10000, submitted with POST /api/jobs, completion = "
                + "'succeeded' on a bridge inbox"))
        .put("capacity", new JsonObject().put("opsPerSecond", json(capacity)).put("errors", capacityErrors)
            .put("latencyMs", capacityLatency).put("seconds", Report.round(capacitySeconds, 2)))
        .put("soak", new JsonObject().put("targetOpsPerSecond", json(target))
            .put("achievedOpsPerSecond", json(achieved)).put("errors", new JsonObject(new LinkedHashMap<>(soakErrors)))
            .put("firstErrors", new JsonObject(new LinkedHashMap<>(firstErrors))).put("latencyMs", soakLatency)
            .put("seconds", Report.round(soakSeconds, 1)).put("samples", samples).put("liveHeap", liveHeap))
        .put("quietBefore", quietBefore.toJson()).put("quietAfter", quietAfter.toJson());
    print(result);
    return result;
  }

  private void addCriteria(List<Report.Criterion> criteria, Map<String, Long> soakErrors, Map<String, Double> target,
      Map<String, Double> achieved, JsonArray liveHeap, JsonArray samples, ServerUnderTest.Resources quietBefore,
      ServerUnderTest.Resources quietAfter) {
    long errors = soakErrors.values().stream().mapToLong(Long::longValue).sum();
    criteria.add(new Report.Criterion("errors during the soak", "= 0", errors + " " + soakErrors, errors == 0));
    for (Map.Entry<String, Double> t : target.entrySet()) {
      double got = achieved.get(t.getKey());
      criteria.add(new Report.Criterion(t.getKey() + ": load applied (achieved / target)", ">= 0.95",
          String.format(Locale.ROOT, "%.3f (%.0f / %.0f ops/s)", got / t.getValue(), got, t.getValue()),
          got >= 0.95 * t.getValue()));
    }
    if (liveHeap.size() >= 2) {
      long first = liveHeap.getJsonObject(0).getLong("liveHeapBytes");
      long last = liveHeap.getJsonObject(liveHeap.size() - 1).getLong("liveHeapBytes");
      double change = (double) (last - first) / first;
      criteria.add(new Report.Criterion("live heap after full GC, end vs start", "within +-" + Math.round(
          heapTolerance * 100) + " %", String.format(Locale.ROOT, "%+.1f %% (%d -> %d bytes)", change * 100, first,
          last), Math.abs(change) <= heapTolerance));
    }
    criteria.add(noGrowth(samples, "eventBusHandlers", "event-bus handlers"));
    criteria.add(noGrowth(samples, "threads", "threads"));
    criteria.add(noGrowth(samples, "openFiles", "open files"));
    criteria.add(new Report.Criterion("event-bus handlers once every socket closed, vs before the load",
        "= " + (long) quietBefore.handlers(), String.valueOf((long) quietAfter.handlers()),
        quietAfter.handlers() == quietBefore.handlers()));
    criteria.add(new Report.Criterion("open files once every socket closed, vs before the load",
        "<= " + (quietBefore.openFiles() + 2), String.valueOf(quietAfter.openFiles()),
        quietAfter.openFiles() <= quietBefore.openFiles() + 2));
  }

  /**
   * No growth over the soak: the median of the last quarter of the samples is at most the median of the first quarter
   * plus 10 % and 2. Handlers (reply handlers of requests in flight) and open files (sockets of connections being
   * churned) move with the work outstanding at the moment of a sample; a leak climbs steadily.
   */
  private static Report.Criterion noGrowth(JsonArray samples, String key, String label) {
    int quarter = Math.max(1, samples.size() / 4);
    List<Double> first = new ArrayList<>();
    List<Double> last = new ArrayList<>();
    for (int i = 0; i < quarter; i++) {
      first.add(value(samples, i, key));
      last.add(value(samples, samples.size() - 1 - i, key));
    }
    double before = median(first);
    double after = median(last);
    double bound = before * 1.10 + 2;
    return new Report.Criterion(label + ": median of the last quarter vs the first", "<= " + Math.round(bound)
        + " (first " + Math.round(before) + ")", String.valueOf(Math.round(after)), after <= bound);
  }

  private static double value(JsonArray samples, int i, String key) {
    Number n = (Number) samples.getJsonObject(i).getValue(key);
    return n == null ? Double.NaN : n.doubleValue();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }

  private JsonObject sample(ServerUnderTest server, List<LoadKind> kinds, LoadKind churn, double t) throws Exception {
    JsonObject s = new JsonObject().put("t", Report.round(t, 1))
        .put("eventBusHandlers", nanToNull(server.metricOrNaN("vertx_eventbus_handlers")))
        .put("threads", server.probe().threads()).put("openFiles", server.probe().openFiles())
        .put("heapUsedBytes", server.probe().heapUsed()).put("residentBytes", server.probe().residentBytes())
        .put("cpuSeconds", Report.round(server.process().cpuNanos() / 1e9, 2));
    JsonObject done = new JsonObject();
    counts(kinds).forEach(done::put);
    done.put("churn", churn.completed());
    return s.put("completed", done).put("errors", totalErrors(kinds, churn));
  }

  private static Long nanToNull(double value) {
    return Double.isNaN(value) ? null : (long) value;
  }

  private static Map<String, Long> counts(List<LoadKind> kinds) {
    Map<String, Long> out = new LinkedHashMap<>();
    kinds.forEach(k -> out.merge(k.name, k.completed(), Long::sum));
    return out;
  }

  private static Map<String, Long> errors(List<LoadKind> kinds) {
    Map<String, Long> out = new LinkedHashMap<>();
    kinds.forEach(k -> out.merge(k.name, k.errors(), Long::sum));
    return out;
  }

  private static Map<String, Long> errorsSince(List<LoadKind> kinds, Map<String, Long> before) {
    Map<String, Long> out = errors(kinds);
    out.replaceAll((k, v) -> v - before.getOrDefault(k, 0L));
    return out;
  }

  private static long totalErrors(List<LoadKind> kinds, LoadKind churn) {
    return kinds.stream().mapToLong(LoadKind::errors).sum() + churn.errors();
  }

  private static JsonObject latencies(List<LoadKind> kinds) throws Exception {
    JsonObject out = new JsonObject();
    for (LoadKind k : kinds) {
      JsonObject l = k.takeLatency();
      if (!out.containsKey(k.name) || l.getLong("count", 0L) > out.getJsonObject(k.name).getLong("count", 0L)) {
        out.put(k.name, l);   // several request sockets: the busiest one's percentiles
      }
    }
    return out;
  }

  private static JsonObject json(Map<String, Double> rates) {
    JsonObject out = new JsonObject();
    rates.forEach((k, v) -> out.put(k, Report.round(v, 1)));
    return out;
  }

  private static String format(Map<String, Double> rates) {
    StringBuilder s = new StringBuilder();
    rates.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%.0f", v)));
    return s.toString();
  }

  private void print(JsonObject r) {
    System.out.println();
    System.out.println("Soak: capacity (closed loop) " + r.getJsonObject("capacity").getJsonObject("opsPerSecond")
        .encode() + " ops/s; soak " + durationMs / 1000 + " s at " + fraction + " of it");
    JsonObject soak = r.getJsonObject("soak");
    System.out.println("  target   " + soak.getJsonObject("targetOpsPerSecond").encode());
    System.out.println("  achieved " + soak.getJsonObject("achievedOpsPerSecond").encode());
    System.out.println("  errors   " + soak.getJsonObject("errors").encode() + " " + soak.getJsonObject("firstErrors")
        .encode());
    System.out.println("  latency  " + soak.getJsonObject("latencyMs").encode());
    System.out.println("  live heap after full GC: " + soak.getJsonArray("liveHeap").encode());
    System.out.printf(Locale.ROOT, "  %7s %9s %8s %10s %14s %14s%n", "t s", "handlers", "threads", "open files",
        "heap used", "resident");
    for (Object o : soak.getJsonArray("samples")) {
      JsonObject s = (JsonObject) o;
      System.out.printf(Locale.ROOT, "  %7.1f %9s %8d %10d %14d %14d%n", s.getDouble("t"),
          String.valueOf(s.getLong("eventBusHandlers")), s.getInteger("threads"), s.getInteger("openFiles"),
          s.getLong("heapUsedBytes"), s.getLong("residentBytes"));
    }
    System.out.println("  quiet before: " + r.getJsonObject("quietBefore").encode());
    System.out.println("  quiet after:  " + r.getJsonObject("quietAfter").encode());
  }
}
