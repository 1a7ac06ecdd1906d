package io.busbar.bench.hardening;

import io.busbar.bench.common.BenchArgs;
import io.busbar.bench.common.BridgeSocket;
import io.busbar.bench.common.Machine;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client that stops reading while {@code slow.rate} messages a second are published to an address it and
 * {@code slow.clients} normal clients subscribe to (issue 7), once per slow-consumer policy ({@code drop},
 * {@code close}), each on a fresh server. Publishing runs without a break through four windows of the same length:
 * warm-up, A1 (normal clients only), B (the slow client registers at its start and stops reading at once), A2 (slow
 * client gone). The normal clients' delivered throughput in B is compared with the mean of A1 and A2, measured in
 * the same server and run; the server's live heap after a full GC is taken at each window's end, and its heap in use,
 * resident memory and drop counter every second.
 */
final class SlowConsumerBench {

  static final String ADDRESS = "bench.slow";
  static final double TARGET_RATIO = 0.90;
  static final long HEAP_GROWTH_BOUND = 4L * 1024 * 1024;

  private final HardeningBench.Common common;
  private final List<String> policies;
  private final int clients;
  private final int publishers;
  private final double rate;
  private final int payloadBytes;
  private final long windowMs;
  private final long warmupMs;
  private final int receiveBuffer;
  private final int eventLoops;
  private final List<String> jvmFlags;

  SlowConsumerBench(HardeningBench.Common common, BenchArgs args) {
    this.common = common;
    this.policies = args.list("slow.policies");
    for (String p : policies) {
      if (!p.equals("drop") && !p.equals("close")) {
        throw new BenchArgs.BadSetting("slow.policies", "drop and/or close, got \"" + p + "\"");
      }
    }
    this.clients = args.whole("slow.clients", 1, 10_000);
    this.publishers = args.whole("slow.publishers", 1, 100);
    this.rate = args.number("slow.rate", 1, 10_000_000);
    this.payloadBytes = args.whole("slow.payload.bytes", 0, 60_000);
    this.windowMs = Math.round(args.number("slow.window", 1, 3600) * 1000);
    this.warmupMs = Math.round(args.number("slow.warmup", 0, 3600) * 1000);
    this.receiveBuffer = args.whole("slow.receive.buffer", 0, 64 * 1024 * 1024);
    this.eventLoops = args.whole("client.loops", 1, 64);
    this.jvmFlags = List.of(args.string("slow.jvm.flags").trim().split("\\s+"));
  }

  static void defaults(Map<String, String> d, boolean quick) {
    d.put("slow.policies", "drop,close");
    d.put("slow.clients", "4");
    d.put("slow.publishers", "2");
    d.put("slow.rate", "10000");
    d.put("slow.payload.bytes", "64");
    d.put("slow.warmup", quick ? "4" : "10");
    d.put("slow.window", quick ? "5" : "20");
    d.put("slow.receive.buffer", "16384");
    d.put("slow.jvm.flags", "-Xmx512m");
  }

  HardeningBench.Outcome run() throws Exception {
    JsonObject machine = Machine.snapshot();
    Machine.CpuTicks cpuAtStart = Machine.CpuTicks.now();
    JsonObject results = new JsonObject();
    List<Report.Criterion> criteria = new ArrayList<>();
    for (String policy : policies) {
      JsonObject r = measure(policy);
      results.put(policy, r);
      criteria.addAll(criteria(policy, r));
    }
    JsonObject out = new JsonObject().put("benchmark", "hardening-slow-consumer")
        .put("machine", machine.put("loadAverageAtEnd", Machine.loadAverage())
            .put("machineCoresBusy", Report.round(Machine.CpuTicks.now().coresBusySince(cpuAtStart), 2)))
        .put("settings", new JsonObject().put("address", ADDRESS).put("normalClients", clients)
            .put("publishers", publishers).put("messagesPerSecond", rate).put("payloadBytes", payloadBytes)
            .put("warmupSeconds", warmupMs / 1000.0).put("windowSeconds", windowMs / 1000.0)
            .put("slowClientReceiveBuffer", receiveBuffer).put("serverJvmFlags", String.join(" ", jvmFlags))
            .put("ratio", "normal clients' deliveries/s in B / mean of A1 and A2"))
        .put("policies", results).put("criteria", Report.criteriaJson(criteria));
    print(results, criteria);
    return new HardeningBench.Outcome(out, criteria);
  }

  private JsonObject measure(String policy) throws Exception {
    Report.progress("slow consumer: policy " + policy);
    try (ServerUnderTest server = HardeningBench.startServer(common, "busbar", jvmFlags,
            Map.of("BUSBAR_JOBS_STORE", "memory", "BUSBAR_BRIDGE_SLOW_CONSUMER", policy));
        Client client = new Client(eventLoops)) {
      List<Subscriber> subscribers = new ArrayList<>();
      List<BridgeSocket> sockets = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Subscriber s = new Subscriber(publishers);
        subscribers.add(s);
        sockets.add(BridgeSocket.connect(client.webSockets(), client.context(i), server.port(), s::onFrame, 5_000)
            .compose(b -> b.register(ADDRESS).map(b)).await(30, TimeUnit.SECONDS));
      }
      server.awaitMetric("busbar_gateway_subscriptions", v -> v >= clients, java.time.Duration.ofSeconds(30));
      List<Publisher> pubs = new ArrayList<>();
      for (int i = 0; i < publishers; i++) {
        BridgeSocket socket = BridgeSocket.connect(client.webSockets(), client.context(clients + i), server.port(),
            f -> { }, 5_000).await(30, TimeUnit.SECONDS);
        sockets.add(socket);
        pubs.add(new Publisher(socket, ADDRESS, i, rate / publishers, payloadBytes));
      }
      Sampler sampler = new Sampler(server);
      pubs.forEach(Publisher::start);
      TimeUnit.MILLISECONDS.sleep(warmupMs);
      JsonObject a1 = window("A1", server, subscribers, pubs, sampler, null);
      SlowClient slow = new SlowClient(client, server.port());
      JsonObject b = window("B", server, subscribers, pubs, sampler, slow);
      JsonObject a2 = window("A2", server, subscribers, pubs, sampler, null);
      pubs.forEach(Publisher::stop);
      sampler.close();
      server.process().checkAlive();
      for (BridgeSocket s : sockets) {
        s.close().await(10, TimeUnit.SECONDS);
      }
      double baseline = (a1.getDouble("deliveriesPerSecond") + a2.getDouble("deliveriesPerSecond")) / 2;
      long missing = 0;
      long other = 0;
      String firstOther = null;
      for (Subscriber s : subscribers) {
        missing += s.missing();
        other += s.other();
        firstOther = firstOther != null ? firstOther : s.firstOther();
      }
      long skipped = pubs.stream().mapToLong(Publisher::skipped).sum();
      return new JsonObject().put("policy", policy).put("windows", new JsonArray().add(a1).add(b).add(a2))
          .put("ratio", Report.round(b.getDouble("deliveriesPerSecond") / baseline, 3))
          .put("liveHeapGrowthInBBytes", b.getLong("liveHeapAfterBytes") - a1.getLong("liveHeapAfterBytes"))
          .put("normalClientsMissing", missing).put("normalClientsOtherFrames", other)
          .put("firstOtherFrame", firstOther).put("publisherSkipped", skipped)
          .put("samples", sampler.samples())
          .put("jar", new JsonObject(new java.util.LinkedHashMap<>(server.process().jarInfo())));
    }
  }

  /** One window: counts before and after, the slow client's life when given, and a live-heap reading at its end. */
  private JsonObject window(String name, ServerUnderTest server, List<Subscriber> subscribers, List<Publisher> pubs,
      Sampler sampler, SlowClient slow) throws Exception {
    long received0 = subscribers.stream().mapToLong(Subscriber::received).sum();
    long sent0 = pubs.stream().mapToLong(Publisher::sent).sum();
    double dropped0 = server.metricOrNaN("busbar_gateway_dropped_total");
    long cpu0 = server.process().cpuNanos();
    long t0 = System.nanoTime();
    sampler.mark(name);
    if (slow != null) {
      slow.start(ADDRESS);
    }
    TimeUnit.MILLISECONDS.sleep(windowMs);
    long t1 = System.nanoTime();
    long received1 = subscribers.stream().mapToLong(Subscriber::received).sum();
    long sent1 = pubs.stream().mapToLong(Publisher::sent).sum();
    double dropped1 = server.metricOrNaN("busbar_gateway_dropped_total");
    long cpu1 = server.process().cpuNanos();
    JsonObject slowJson = slow == null ? null : slow.finish();
    ServerUnderTest.Resources after = server.resources();
    double seconds = (t1 - t0) / 1e9;
    double perSecond = (received1 - received0) / seconds;
    Report.progress(String.format(Locale.ROOT, "slow consumer: window %s %.0f deliveries/s to %d normal clients "
        + "(published %.0f/s), dropped %.0f, live heap %d bytes", name, perSecond, subscribers.size(),
        (sent1 - sent0) / seconds, dropped1 - dropped0, after.heap().totalBytes()));
    return new JsonObject().put("window", name).put("seconds", Report.round(seconds, 3))
        .put("published", sent1 - sent0).put("publishedPerSecond", Report.round((sent1 - sent0) / seconds, 1))
        .put("delivered", received1 - received0).put("deliveriesPerSecond", Report.round(perSecond, 1))
        .put("deliveredShare", Report.round((received1 - received0) / (double) ((sent1 - sent0) * subscribers.size()), 4))
        .put("droppedByServer", Double.isNaN(dropped1 - dropped0) ? null : (long) (dropped1 - dropped0))
        .put("serverCores", Report.round((cpu1 - cpu0) / 1e9 / seconds, 2))
        .put("liveHeapAfterBytes", after.heap().totalBytes()).put("residentAfterBytes", after.residentBytes())
        .put("slowClient", slowJson);
  }

  private List<Report.Criterion> criteria(String policy, JsonObject r) {
    List<Report.Criterion> out = new ArrayList<>();
    double ratio = r.getDouble("ratio");
    out.add(new Report.Criterion(policy + ": normal clients' throughput with / without the slow client",
        ">= " + TARGET_RATIO, String.format(Locale.ROOT, "%.3f", ratio), ratio >= TARGET_RATIO));
    long growth = r.getLong("liveHeapGrowthInBBytes");
    out.add(new Report.Criterion(policy + ": live heap growth while the client does not read",
        "<= " + HEAP_GROWTH_BOUND + " bytes", growth + " bytes", growth <= HEAP_GROWTH_BOUND));
    long missing = r.getLong("normalClientsMissing");
    out.add(new Report.Criterion(policy + ": messages lost by normal clients", "= 0", Long.toString(missing),
        missing == 0));
    JsonObject slow = r.getJsonArray("windows").getJsonObject(1).getJsonObject("slowClient");
    Long dropped = r.getJsonArray("windows").getJsonObject(1).getLong("droppedByServer");
    if (policy.equals("drop")) {
      out.add(new Report.Criterion("drop: messages dropped for the slow client", "> 0", String.valueOf(dropped),
          dropped != null && dropped > 0));
    } else {
      Integer status = slow.getInteger("closeStatus");
      out.add(new Report.Criterion("close: the slow client closed by the server", "status 1008",
          String.valueOf(status), status != null && status == 1008));
    }
    return out;
  }

  private void print(JsonObject results, List<Report.Criterion> criteria) {
    System.out.println();
    System.out.printf(Locale.ROOT, "Slow consumer: %.0f msgs/s published to %s, %d normal clients + 1 that stops "
        + "reading in window B%n", rate, ADDRESS, clients);
    String row = "%-6s %-4s %14s %10s %10s %16s %14s  %s%n";
    System.out.printf(Locale.ROOT, row, "policy", "win", "deliveries/s", "share", "dropped", "live heap after",
        "server cores", "slow client");
    for (String policy : results.fieldNames()) {
      JsonObject r = results.getJsonObject(policy);
      for (Object o : r.getJsonArray("windows")) {
        JsonObject w = (JsonObject) o;
        JsonObject slow = w.getJsonObject("slowClient");
        System.out.printf(Locale.ROOT, row, policy, w.getString("window"), w.getDouble("deliveriesPerSecond"),
            w.getDouble("deliveredShare"), String.valueOf(w.getLong("droppedByServer")), w.getLong("liveHeapAfterBytes"),
            w.getDouble("serverCores"), slow == null ? "" : slow.encode());
      }
      System.out.printf(Locale.ROOT, "%-6s ratio B/mean(A1,A2) = %.3f, live heap growth in B = %d bytes%n", policy,
          r.getDouble("ratio"), r.getLong("liveHeapGrowthInBBytes"));
    }
    criteria.forEach(c -> System.out.println(c.line()));
  }

  /**
   * The client that stops reading: its own WebSocket client with a small receive buffer (so the server's writes
   * back up sooner), registered on the address and paused at once.
   */
  private final class SlowClient {

    private final Client client;
    private final int port;
    private final WebSocketClient webSockets;
    private final AtomicCounter frames = new AtomicCounter();
    private BridgeSocket socket;
    private volatile long pausedAt;
    private volatile long closedAt;

    SlowClient(Client client, int port) {
      this.client = client;
      this.port = port;
      WebSocketClientOptions options = new WebSocketClientOptions().setMaxConnections(10).setClosingTimeout(2);
      if (receiveBuffer > 0) {
        options.setReceiveBufferSize(receiveBuffer);
      }
      this.webSockets = client.vertx().createWebSocketClient(options);
    }

    void start(String address) throws Exception {
      socket = BridgeSocket.connect(webSockets, client.context(0), port, f -> frames.increment(), 0)
          .compose(s -> s.register(address).map(s)).await(30, TimeUnit.SECONDS);
      socket.onUnexpectedClose(s -> closedAt = System.nanoTime());
      client.context(0).runOnContext(v -> {
        pausedAt = System.nanoTime();
        socket.pause();
      });
    }

    JsonObject finish() throws Exception {
      JsonObject out = new JsonObject().put("framesReadBeforePause", frames.get())
          .put("closedByServer", closedAt != 0)
          .put("closeStatus", socket.closeStatus() == null ? null : (int) socket.closeStatus())
          .put("closeReason", socket.closeReason())
          .put("secondsToClose", closedAt == 0 ? null : Report.round((closedAt - pausedAt) / 1e9, 3));
      socket.close().await(10, TimeUnit.SECONDS);
      webSockets.close().await(10, TimeUnit.SECONDS);
      return out;
    }
  }

  /** A counter bumped on one event loop and read from the driver thread. */
  private static final class AtomicCounter {
    private final java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong();

    void increment() {
      value.incrementAndGet();
    }

    long get() {
      return value.get();
    }
  }

  /** Every second: the server's heap in use (JMX) and resident memory, read without its event loops. */
  private static final class Sampler implements AutoCloseable {

    private final ServerUnderTest server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final JsonArray samples = new JsonArray();
    private final long start = System.nanoTime();
    private volatile String window = "warm-up";

    Sampler(ServerUnderTest server) {
      this.server = server;
      timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    void mark(String name) {
      window = name;
    }

    private void sample() {
      try {
        JsonObject s = new JsonObject().put("t", Report.round((System.nanoTime() - start) / 1e9, 1))
            .put("window", window).put("heapUsedBytes", server.probe().heapUsed())
            .put("residentBytes", server.probe().residentBytes());
        synchronized (samples) {
          samples.add(s);
        }
      } catch (Exception e) {
        // A missed sample leaves a hole in the series; the live-heap readings at the windows' ends stand.
      }
    }

    JsonArray samples() {
      synchronized (samples) {
        return samples.copy();
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }
}
