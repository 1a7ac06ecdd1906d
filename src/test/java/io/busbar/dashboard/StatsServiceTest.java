package io.busbar.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.busbar.bus.Addresses;
import io.busbar.config.NodeConfig;
import io.busbar.jobs.JobsClient;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statistics service ({@code verticles/stats.json}) on a real node: what it publishes on {@code busbar.stats},
 * what {@code /api/stats} answers, and the dashboard page's routes.
 */
class StatsServiceTest {

  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    // The repository's default permissions, which must let any client watch the statistics.
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf", "busbar.json")));
    node = TestNode.start(new JsonObject().put("bridge", defaults.getJsonObject("bridge")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<Buffer> get(String uri) {
    return Await.result(node.http().get(uri).send());
  }

  private static JsonObject queue(JsonObject snapshot, String name) {
    return snapshot.getJsonArray("queues").stream().map(JsonObject.class::cast)
        .filter(q -> name.equals(q.getString("name"))).findFirst().orElseThrow();
  }

  @Test
  void snapshotsCarryQueueMeasurementsWithWaitAndServicePercentiles() {
    AtomicReference<JsonObject> latest = new AtomicReference<>();
    MessageConsumer<JsonObject> consumer = node.vertx().eventBus()
        .consumer(Addresses.Stats.SNAPSHOTS, m -> latest.set(m.body()));
    Await.result(consumer.completion());
    JobsClient jobs = new JobsClient(node.vertx().eventBus());
    for (int i = 0; i < 3; i++) {
      String id = Await.result(jobs.submit(new JsonObject().put("type", "sleep").put("queue", "priority")
          .put("payload", new JsonObject().put("ms", 30)))).id();
      Await.result(jobs.get(id, 10_000));
    }

    Poll.until("a snapshot with the jobs' service times", Duration.ofSeconds(10), () -> latest.get() != null
        && queue(latest.get(), "priority").getJsonArray("types", new JsonArray()).size() == 1
        && queue(latest.get(), "priority").getJsonObject("service").getLong("count") == 3);
    consumer.unregister();
    JsonObject snapshot = latest.get();
    JsonObject priority = queue(snapshot, "priority");
    assertThat(priority.getString("policy")).isEqualTo("priority");
    assertThat(priority.getJsonObject("finished").getLong("succeeded")).isEqualTo(3);
    assertThat(priority.getLong("submitted")).isEqualTo(3);
    assertThat(priority.getJsonObject("wait").getLong("recent")).isEqualTo(3);
    assertThat(priority.getJsonObject("wait").containsKey("p99")).isTrue();
    JsonObject sleep = priority.getJsonArray("types").getJsonObject(0);
    assertThat(sleep.getString("type")).isEqualTo("sleep");
    assertThat(sleep.getDouble("p50")).isBetween(25.0, 1_000.0);
    assertThat(priority.getJsonObject("service").containsKey("mixed")).isFalse();
    assertThat(snapshot.getJsonArray("pools").stream().map(p -> ((JsonObject) p).getString("name")))
        .contains("jobs", "jobs-cpu");
    assertThat(snapshot.getJsonObject("node").getString("name")).as("node.name, as in the meters' node label")
        .isEqualTo(NodeConfig.DEFAULT_NAME);
    assertThat(snapshot.getJsonObject("node").getJsonArray("roles")).containsExactly("gateway", "scheduler", "worker");
    assertThat(snapshot.getJsonObject("node").getString("http")).endsWith(":" + node.port());
    assertThat(snapshot.getJsonObject("node").getLong("heapUsed")).isPositive();
    assertThat(snapshot.getJsonObject("gateway").getJsonObject("connections").fieldNames())
        .containsExactlyInAnyOrder("websocket", "sockjs", "sse");
    assertThat(snapshot.getJsonObject("jobs").getJsonArray("handlers")).contains("sleep", "hash", "fail");
    assertThat(snapshot.getJsonArray("workers").stream().map(w -> ((JsonObject) w).getString("name")))
        .contains("cpu", "io");
  }

  @Test
  void aBridgeClientWithTheDefaultPermissionsReceivesSnapshots() {
    try (BridgeClient client = node.bridge()) {
      client.register(Addresses.Stats.SNAPSHOTS);
      JsonObject frame = client.next();
      assertThat(frame.getString("type")).isEqualTo("rec");
      assertThat(frame.getString("address")).isEqualTo("busbar.stats");
      assertThat(frame.getJsonObject("body").getJsonObject("node").getString("http")).endsWith(":" + node.port());
      JsonObject refused = client.request(Addresses.Stats.HISTORY, new JsonObject(), "h1");
      assertThat(refused.getString("type")).isEqualTo("err");
      assertThat(refused.getString("failureType")).isEqualTo("access_denied");
    }
  }

  @Test
  void theStatsRoutesAnswerTheLatestSnapshotAndTheHistory() {
    Poll.until("a snapshot", Duration.ofSeconds(10), () -> get("/api/stats").statusCode() == 200);
    HttpResponse<Buffer> latest = get("/api/stats");
    assertThat(latest.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(latest.bodyAsJsonObject().getJsonArray("queues")).isNotEmpty();

    Poll.until("two snapshots", Duration.ofSeconds(10),
        () -> get("/api/stats/history").bodyAsJsonObject().getJsonArray("snapshots").size() >= 2);
    JsonObject history = get("/api/stats/history?limit=1").bodyAsJsonObject();
    assertThat(history.getString("node")).isEqualTo(NodeConfig.DEFAULT_NAME);
    assertThat(history.getLong("intervalMs")).isEqualTo(1000);
    assertThat(history.getJsonArray("snapshots")).hasSize(1);

    HttpResponse<Buffer> bad = get("/api/stats/history?limit=many");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).isEqualTo("invalid_parameter");
  }

  @Test
  void busbarTopPrintsTheQueueTable() throws Exception {
    assumeTrue(works("python3", "--version") && works("curl", "--version"), "bin/busbar-top needs curl and python3");
    Poll.until("a snapshot", Duration.ofSeconds(10), () -> get("/api/stats").statusCode() == 200);
    Process top = new ProcessBuilder("sh", "bin/busbar-top", "--once", "http://127.0.0.1:" + node.port())
        .redirectErrorStream(true).start();
    String out = new String(top.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(top.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(top.exitValue()).as(out).isZero();
    assertThat(out).contains(NodeConfig.DEFAULT_NAME + " at ").contains(":" + node.port()).contains("queue").contains("default").contains("priority")
        .contains("pool jobs-cpu");
  }

  private static boolean works(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void theDashboardIsServedAtTheRootAndTheJsonIndexAtApi() {
    HttpResponse<Buffer> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'").contains("script-src 'self'");
    assertThat(page.bodyAsString()).contains("<title>Busbar</title>").doesNotContain("http://").doesNotContain("https://");
    assertThat(get("/js/app.js").getHeader("Content-Type")).startsWith("text/javascript");
    assertThat(Await.result(node.http().head("/").send()).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> index = get("/api");
    assertThat(index.bodyAsJsonObject().getJsonObject("endpoints").getString("dashboard")).isEqualTo("/");
    assertThat(get("/no-such-page").statusCode()).isEqualTo(404);
  }
}
