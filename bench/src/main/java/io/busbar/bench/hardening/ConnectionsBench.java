package io.busbar.bench.hardening;

import io.busbar.bench.common.BenchArgs;
import io.busbar.bench.common.BridgeSocket;
import io.busbar.bench.common.Machine;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Many idle WebSocket connections on one node (issue 7): heap per idle connection (live heap after a full GC with
 * all connected, minus the same with none, divided by the count), connect rate, and publish fan-out to all of them.
 * Busbar and, as the same-run baseline, a bare vertx-web SockJS bridge ({@code BareBridge}, raw
 * {@code /eventbus/websocket}) are measured one after the other, each in its own JVM with the same flags.
 */
final class ConnectionsBench {

  static final String ADDRESS = "bench.fanout";
  /** Issue 7's target for the heap one idle connection costs Busbar. */
  static final long TARGET_BYTES_PER_CONNECTION = 10 * 1024;
  private static final int WARMUP_SOCKETS = 200;
  private static final int TOP_CLASSES = 40;

  private final HardeningBench.Common common;
  private final int count;
  private final int concurrency;
  private final int messages;
  private final int warmupMessages;
  private final int window;
  private final int payloadBytes;
  private final int eventLoops;
  private final long pingMs;
  private final Duration settle;
  private final List<String> jvmFlags;
  private final List<String> servers;
  private volatile FanOut current;

  ConnectionsBench(HardeningBench.Common common, BenchArgs args) {
    this.common = common;
    this.count = args.whole("conn.count", 1, 1_000_000);
    this.concurrency = args.whole("conn.concurrency", 1, 100_000);
    this.messages = args.whole("conn.fanout.messages", 2, 1_000_000);
    this.warmupMessages = args.whole("conn.fanout.warmup", 1, 1_000_000);
    this.window = args.whole("conn.fanout.window", 1, 10_000);
    this.payloadBytes = args.whole("conn.payload.bytes", 0, 60_000);
    this.eventLoops = args.whole("client.loops", 1, 64);
    this.pingMs = Math.round(args.number("conn.ping", 0, 3600) * 1000);
    this.settle = Duration.ofMillis(Math.round(args.number("conn.settle", 0, 600) * 1000));
    this.jvmFlags = List.of(args.string("conn.jvm.flags").trim().split("\\s+"));
    this.servers = args.list("conn.servers");
    if (warmupMessages >= messages) {
      throw new BenchArgs.BadSetting("conn.fanout.warmup", "must be below conn.fanout.messages");
    }
  }

  /** Runs the benchmark on each server, prints the table and returns the results with their criteria. */
  HardeningBench.Outcome run() throws Exception {
    JsonObject machineAtStart = Machine.snapshot();
    Machine.CpuTicks cpuAtStart = Machine.CpuTicks.now();
    JsonObject results = new JsonObject();
    for (String sut : servers) {
      results.put(sut, measure(sut));
    }
    JsonObject busbar = results.getJsonObject("busbar");
    JsonObject bare = results.getJsonObject("bare");
    JsonObject ratios = new JsonObject();
    if (busbar != null && bare != null) {
      ratios.put("heapPerConnection", ratio(busbar, bare, "heapPerConnectionBytes"))
          .put("heapPerConnectionAfterFanOut", ratio(busbar, bare, "heapPerConnectionAfterFanOutBytes"))
          .put("connectRate", Report.round(busbar.getJsonObject("connect").getDouble("connectionsPerSecond")
              / bare.getJsonObject("connect").getDouble("connectionsPerSecond"), 3))
          .put("fanOutDeliveriesPerSecond", Report.round(
              busbar.getJsonObject("fanOut").getDouble("deliveriesPerSecond")
                  / bare.getJsonObject("fanOut").getDouble("deliveriesPerSecond"), 3));
    }
    List<Report.Criterion> criteria = new ArrayList<>();
    if (busbar != null) {
      double perConnection = busbar.getDouble("heapPerConnectionBytes");
      criteria.add(new Report.Criterion("Busbar heap per idle connection", "<= " + TARGET_BYTES_PER_CONNECTION
          + " bytes (10 KiB)", String.format(Locale.ROOT, "%.0f bytes", perConnection),
          perConnection <= TARGET_BYTES_PER_CONNECTION));
      int opened = busbar.getJsonObject("connect").getInteger("opened");
      criteria.add(new Report.Criterion("Busbar connections opened", "= " + count, Integer.toString(opened),
          opened == count));
      boolean complete = busbar.getJsonObject("fanOut").getBoolean("complete");
      criteria.add(new Report.Criterion("Busbar fan-out reached every connection", "every message",
          complete ? "every message" : "incomplete", complete));
      Long before = busbar.getJsonObject("before").getLong("eventBusHandlers");
      Long after = busbar.getJsonObject("afterClose").getLong("eventBusHandlers");
      criteria.add(new Report.Criterion("Busbar event-bus handlers after every socket closed", "= " + before,
          String.valueOf(after), before != null && before.equals(after)));
    }
    JsonObject out = new JsonObject().put("benchmark", "hardening-connections")
        .put("machine", machineAtStart.put("loadAverageAtEnd", Machine.loadAverage())
            .put("machineCoresBusy", Report.round(Machine.CpuTicks.now().coresBusySince(cpuAtStart), 2)))
        .put("settings", new JsonObject().put("connections", count).put("handshakesInFlight", concurrency)
            .put("fanOutMessages", messages).put("fanOutWarmupMessages", warmupMessages).put("fanOutWindow", window)
            .put("payloadBytes", payloadBytes).put("pingSeconds", pingMs / 1000.0)
            .put("settleSeconds", settle.toMillis() / 1000.0).put("serverJvmFlags", String.join(" ", jvmFlags))
            .put("clientEventLoops", eventLoops).put("servers", String.join(",", servers))
            .put("heapPerConnection", "(live heap after full GC with all connected and registered - the same "
                + "before connecting) / connections; live heap = jcmd GC.class_histogram total"))
        .put("servers", results).put("ratios", ratios).put("criteria", Report.criteriaJson(criteria));
    print(results, ratios, criteria);
    return new HardeningBench.Outcome(out, criteria);
  }

  private JsonObject measure(String sut) throws Exception {
    Report.progress("connections: starting " + sut);
    try (ServerUnderTest server = HardeningBench.startServer(common, sut, jvmFlags, java.util.Map.of(
            "BUSBAR_JOBS_STORE", "memory"));
        Client client = new Client(eventLoops)) {
      warmUp(server, client);
      ServerUnderTest.Resources before = server.resources();
      long cpu0 = server.process().cpuNanos();
      Fleet fleet = Fleet.open(client, server.port(), count, concurrency, ADDRESS, pingMs, this::route,
          TimeUnit.MINUTES.toMillis(5));
      long cpuConnect = server.process().cpuNanos() - cpu0;
      Report.progress(String.format(Locale.ROOT, "connections: %s %d open (%d failed) at %.0f/s", sut,
          fleet.opened(), fleet.failures(), fleet.openRate()));
      double subscriptions = server.awaitMetric("busbar_gateway_subscriptions", v -> v >= fleet.opened(),
          Duration.ofSeconds(120));
      TimeUnit.MILLISECONDS.sleep(settle.toMillis());
      ServerUnderTest.Resources idle = server.resources();
      long perConnection = (idle.heap().totalBytes() - before.heap().totalBytes()) / Math.max(1, fleet.opened());
      Report.progress(String.format(Locale.ROOT, "connections: %s live heap %d -> %d bytes: %d bytes per connection",
          sut, before.heap().totalBytes(), idle.heap().totalBytes(), perConnection));

      FanOut.Result fanOut = fanOut(client, server, fleet);
      long serverCpuFanOut = fanOutServerCpu;
      long driverCpuFanOut = fanOutDriverCpu;
      TimeUnit.MILLISECONDS.sleep(Math.min(2000, settle.toMillis()));
      ServerUnderTest.Resources afterFanOut = server.resources();

      double closeSeconds = fleet.closeAll(TimeUnit.MINUTES.toMillis(2));
      server.awaitMetric("bridge_connections", v -> v == 0, Duration.ofSeconds(60));
      server.awaitMetric("busbar_gateway_subscriptions", v -> v == 0, Duration.ofSeconds(60));
      TimeUnit.MILLISECONDS.sleep(settle.toMillis());
      ServerUnderTest.Resources afterClose = server.resources();
      server.process().checkAlive();

      int n = Math.max(1, fleet.opened());
      return new JsonObject().put("label", sut).put("jar", new JsonObject(new java.util.LinkedHashMap<>(
              server.process().jarInfo())))
          .put("connect", fleet.toJson().put("serverCpuSeconds", Report.round(cpuConnect / 1e9, 2))
              .put("subscriptionsSeen", Double.isNaN(subscriptions) ? null : (long) subscriptions))
          .put("heapPerConnectionBytes", perConnection)
          .put("heapPerConnectionAfterFanOutBytes",
              (afterFanOut.heap().totalBytes() - before.heap().totalBytes()) / n)
          .put("retainedAfterCloseBytes", afterClose.heap().totalBytes() - before.heap().totalBytes())
          .put("residentPerConnectionBytes", (idle.residentBytes() - before.residentBytes()) / n)
          .put("openFilesPerConnection", Report.round((double) (idle.openFiles() - before.openFiles()) / n, 3))
          .put("threadsAdded", idle.threads() - before.threads())
          .put("before", before.toJson()).put("idle", idle.toJson()).put("afterFanOut", afterFanOut.toJson())
          .put("afterClose", afterClose.toJson())
          .put("topGrowthPerConnection", Report.growth(before.heap(), idle.heap(), TOP_CLASSES, n))
          .put("fanOut", fanOut.toJson(fleet.opened())
              .put("serverCores", Report.round(serverCpuFanOut / 1e9 / fanOut.seconds(), 2))
              .put("driverCores", Report.round(driverCpuFanOut / 1e9 / fanOut.seconds(), 2)))
          .put("closeSeconds", Report.round(closeSeconds, 2))
          .put("growthLines", new io.vertx.core.json.JsonArray(new ArrayList<>(
              Report.growthLines(before.heap(), idle.heap(), 15, n))));
    }
  }

  private long fanOutServerCpu;
  private long fanOutDriverCpu;

  /** The fan-out: a separate publisher socket, numbered messages to every connection of the fleet. */
  private FanOut.Result fanOut(Client client, ServerUnderTest server, Fleet fleet) throws Exception {
    BridgeSocket publisher = BridgeSocket.connect(client.webSockets(), client.context(0), server.port(), f -> { },
        pingMs).await(30, TimeUnit.SECONDS);
    FanOut fanOut = new FanOut(ADDRESS, payloadBytes, fleet.perContext(), messages, warmupMessages, window);
    current = fanOut;
    long serverCpu = server.process().cpuNanos();
    long driverCpu = Client.cpuNanos();
    FanOut.Result result = fanOut.run(publisher, Duration.ofMinutes(10));
    fanOutServerCpu = server.process().cpuNanos() - serverCpu;
    fanOutDriverCpu = Client.cpuNanos() - driverCpu;
    current = null;
    publisher.close().await(10, TimeUnit.SECONDS);
    Report.progress(String.format(Locale.ROOT, "connections: %s fan-out %.0f deliveries/s (%d messages x %d)%s",
        server.label(), result.deliveriesPerSecond(fleet.opened()), result.measuredMessages(), fleet.opened(),
        result.complete() ? "" : " INCOMPLETE"));
    return result;
  }

  /** A few hundred sockets and a short fan-out, closed again, so every lazily built server structure exists. */
  private void warmUp(ServerUnderTest server, Client client) throws Exception {
    int sockets = Math.min(WARMUP_SOCKETS, count);
    Fleet fleet = Fleet.open(client, server.port(), sockets, concurrency, ADDRESS, pingMs, this::route, 60_000);
    server.awaitMetric("busbar_gateway_subscriptions", v -> v >= fleet.opened(), Duration.ofSeconds(60));
    if (server.label().equals("bare")) {
      TimeUnit.SECONDS.sleep(1);   // no metrics: give the registrations a moment
    }
    BridgeSocket publisher = BridgeSocket.connect(client.webSockets(), client.context(0), server.port(), f -> { },
        pingMs).await(30, TimeUnit.SECONDS);
    FanOut fanOut = new FanOut(ADDRESS, payloadBytes, fleet.perContext(), 50, 10, window);
    current = fanOut;
    FanOut.Result result = fanOut.run(publisher, Duration.ofMinutes(2));
    current = null;
    publisher.close().await(10, TimeUnit.SECONDS);
    fleet.closeAll(60_000);
    if (!result.complete()) {
      throw new IllegalStateException(server.label() + ": the warm-up fan-out did not reach every socket: "
          + result.toJson(fleet.opened()).encode());
    }
    server.awaitMetric("bridge_connections", v -> v == 0, Duration.ofSeconds(60));
    TimeUnit.MILLISECONDS.sleep(settle.toMillis());
  }

  private void route(int contextIndex, String frame) {
    FanOut fanOut = current;
    if (fanOut != null) {
      fanOut.onFrame(contextIndex, frame);
    }
  }

  private static Double ratio(JsonObject a, JsonObject b, String key) {
    return Report.round(a.getDouble(key) / b.getDouble(key), 3);
  }

  private void print(JsonObject results, JsonObject ratios, List<Report.Criterion> criteria) {
    System.out.println();
    System.out.println("Connections: " + count + " idle WebSockets on one node, each registered on " + ADDRESS);
    String row = "%-8s %12s %12s %14s %12s %12s %14s %12s%n";
    System.out.printf(Locale.ROOT, row, "server", "heap/conn B", "after f-o B", "rss/conn B", "fds/conn",
        "conn/s", "deliveries/s", "f-o p99 ms");
    for (String sut : results.fieldNames()) {
      JsonObject r = results.getJsonObject(sut);
      System.out.printf(Locale.ROOT, row, sut, r.getLong("heapPerConnectionBytes"),
          r.getLong("heapPerConnectionAfterFanOutBytes"), r.getLong("residentPerConnectionBytes"),
          r.getDouble("openFilesPerConnection"), fmt(r.getJsonObject("connect").getDouble("connectionsPerSecond")),
          fmt(r.getJsonObject("fanOut").getDouble("deliveriesPerSecond")),
          r.getJsonObject("fanOut").getJsonObject("completionMs").getValue("p99"));
    }
    if (!ratios.isEmpty()) {
      System.out.println("busbar/bare: " + ratios.encode());
    }
    for (String sut : results.fieldNames()) {
      System.out.println("largest growth per connection, " + sut + " (bytes, objects, class):");
      results.getJsonObject(sut).getJsonArray("growthLines").forEach(l -> System.out.println(l));
    }
    criteria.forEach(c -> System.out.println(c.line()));
  }

  private static String fmt(Double value) {
    return value == null ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
  }
}
