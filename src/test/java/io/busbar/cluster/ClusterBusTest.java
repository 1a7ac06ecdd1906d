package io.busbar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.SseStream;
import io.busbar.testsupport.TestCluster;
import io.busbar.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bus spans nodes: two real Busbar nodes in one Hazelcast cluster. Node A is a gateway only, so every service
 * it reaches lives on node B (gateway and worker); clients connect to A, messages are published on B.
 */
class ClusterBusTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static TestCluster cluster;
  private static TestNode a;
  private static TestNode b;

  @BeforeAll
  static void start() {
    cluster = TestCluster.create("bus");
    List<TestNode> nodes = cluster.start(
        new JsonObject().put("node", new JsonObject().put("name", "a").put("roles", "gateway")),
        new JsonObject().put("node", new JsonObject().put("name", "b").put("roles", "gateway,worker")));
    a = nodes.get(0);
    b = nodes.get(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void webSocketClientOnAReceivesWhatIsPublishedOnB() {
    try (BridgeClient client = a.bridge()) {
      client.register("test.news");
      List<JsonObject> got = new CopyOnWriteArrayList<>();
      // A registration reaches the other node asynchronously: publish until the first one arrives.
      Poll.until("a publish from B on A's socket", WAIT, () -> {
        Await.result(b.http().post("/api/publish/test.news").sendJsonObject(new JsonObject().put("from", "b")));
        JsonObject frame = client.next();
        got.add(frame);
        return "test.news".equals(frame.getString("address"));
      });
      assertThat(got.get(got.size() - 1).getJsonObject("body")).isEqualTo(new JsonObject().put("from", "b"));
    }
  }

  @Test
  void requestsOverTheBridgeAndHttpOnAReachAServiceThatOnlyBHas() {
    JsonObject status = Await.result(a.http().get("/ready").send()).bodyAsJsonObject();
    assertThat(status.getJsonArray("skipped")).as("A runs no demo service").contains("demo-echo");

    HttpResponse<Buffer> reply = Await.result(a.http().post("/api/request/demo.echo")
        .sendJsonObject(new JsonObject().put("over", "http")));
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.bodyAsJsonObject()).isEqualTo(new JsonObject().put("over", "http"));
    HttpResponse<Buffer> hash = Await.result(a.http().post("/api/request/demo.hash")
        .sendJsonObject(new JsonObject().put("data", "x").put("iterations", 2)));
    assertThat(hash.bodyAsJsonObject().getString("hash")).hasSize(64);

    try (BridgeClient client = a.bridge()) {
      JsonObject frame = client.request("demo.echo", new JsonObject().put("over", "bridge"), "r-1");
      assertThat(frame.getString("type")).isEqualTo("rec");
      assertThat(frame.getJsonObject("body")).isEqualTo(new JsonObject().put("over", "bridge"));
    }
  }

  @Test
  void serverSentEventsOnAReceiveAPublishFromB() {
    try (SseStream stream = SseStream.open(a, "/api/subscribe/test.sse")) {
      assertThat(stream.response().statusCode()).isEqualTo(200);
      Poll.until("the subscription to be live", WAIT, () -> stream.text().contains(": subscribed"));

      Poll.until("a publish from B on A's stream", WAIT, () -> {
        b.vertx().eventBus().publish("test.sse", new JsonObject().put("from", "b"));
        return stream.text().contains("\"body\":{\"from\":\"b\"}");
      });
    }
  }

  @Test
  void clusterApiListsTheNodesWithTheirRolesGatewaysAndLoad() {
    ClusterView viewA = ClusterView.of(a.vertx());
    ClusterView viewB = ClusterView.of(b.vertx());
    Poll.until("both nodes in A's directory", WAIT, () -> nodesSeenBy(a).stream()
        .filter(n -> ((JsonObject) n).containsKey("name")).count() == 2);

    JsonObject view = Await.result(a.http().get("/api/cluster").send()).bodyAsJsonObject();
    assertThat(view.getBoolean("clustered")).isTrue();
    assertThat(view.getString("self")).isEqualTo(viewA.nodeId()).isNotEqualTo(ClusterView.LOCAL_ID);
    assertThat(view.getInteger("members")).isEqualTo(2);
    JsonObject nodeA = view.getJsonArray("nodes").getJsonObject(0);
    JsonObject nodeB = view.getJsonArray("nodes").getJsonObject(1);
    assertThat(nodeA.getString("id")).isEqualTo(viewA.nodeId());
    assertThat(nodeA.getString("name")).isEqualTo("a");
    assertThat(nodeA.getBoolean("self")).isTrue();
    assertThat(nodeA.getJsonArray("roles")).isEqualTo(new JsonArray().add("gateway"));
    assertThat(nodeA.getString("gateway")).isEqualTo("http://127.0.0.1:" + a.port());
    assertThat(nodeB.getString("id")).isEqualTo(viewB.nodeId());
    assertThat(nodeB.getJsonArray("roles")).isEqualTo(new JsonArray().add("gateway").add("worker"));
    assertThat(nodeB.getBoolean("self")).isFalse();
    JsonObject load = nodeB.getJsonObject("load");
    assertThat(load.getLong("heapUsed")).isPositive();
    assertThat(load.getLong("heapMax")).isGreaterThanOrEqualTo(load.getLong("heapUsed"));
    assertThat(load.getInteger("threads")).isPositive();
    assertThat(load.getLong("connections")).isNotNegative();

    JsonObject ready = Await.result(a.http().get("/ready").send()).bodyAsJsonObject();
    assertThat(ready.getBoolean("ready")).isTrue();
    assertThat(ready.getJsonObject("cluster")).isEqualTo(new JsonObject().put("clustered", true)
        .put("nodeId", viewA.nodeId()).put("active", true).put("members", 2));
  }

  @Test
  void membersThatJoinAndLeaveAreReportedAndLeaveTheDirectory() {
    ClusterView viewA = ClusterView.of(a.vertx());
    List<String> events = new CopyOnWriteArrayList<>();
    ClusterView.Subscription subscription = viewA.listen(a.vertx(), new ClusterView.Listener() {
      @Override
      public void memberAdded(String nodeId) {
        events.add("added " + nodeId);
      }

      @Override
      public void memberRemoved(String nodeId) {
        events.add("removed " + nodeId);
      }
    });
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    var consumer = a.vertx().eventBus().<JsonObject>localConsumer(io.busbar.bus.Addresses.Cluster.MEMBERS,
        m -> published.add(m.body()));
    try {
      TestNode c = cluster.start(new JsonObject().put("node", new JsonObject().put("name", "c")
          .put("roles", "worker"))).get(0);
      String idC = ClusterView.of(c.vertx()).nodeId();
      Poll.until("C in A's view and directory", WAIT, () -> viewA.isMember(idC)
          && nodesSeenBy(a).stream().anyMatch(n -> "c".equals(((JsonObject) n).getString("name"))));
      assertThat(events).contains("added " + idC);
      assertThat(ClusterView.of(c.vertx()).isOldest()).isFalse();

      c.close();

      Poll.until("C gone from A's view and directory", WAIT, () -> !viewA.isMember(idC)
          && nodesSeenBy(a).stream().noneMatch(n -> "c".equals(((JsonObject) n).getString("name"))));
      assertThat(events).containsSubsequence("added " + idC, "removed " + idC);
      Poll.until("the membership events on the local bus", WAIT, () -> published.size() >= 2);
      assertThat(published).contains(new JsonObject().put("event", "added").put("nodeId", idC),
          new JsonObject().put("event", "removed").put("nodeId", idC));
    } finally {
      subscription.cancel();
      Await.result(consumer.unregister());
    }
  }

  @Test
  void aNodeWhoseHazelcastMemberStopsIsNotReady() {
    TestNode d = cluster.start(new JsonObject().put("node", new JsonObject().put("name", "d").put("roles", "gateway")))
        .get(0);
    try {
      assertThat(Await.result(d.http().get("/ready").send()).statusCode()).isEqualTo(200);

      ClusterView.of(d.vertx()).hazelcast().getLifecycleService().terminate();

      HttpResponse<Buffer> ready = Await.result(d.http().get("/ready").send());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getJsonObject("cluster").getBoolean("active")).isFalse();
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
    } finally {
      d.close();
    }
  }

  private static JsonArray nodesSeenBy(TestNode node) {
    return Await.result(node.http().get("/api/cluster").send()).bodyAsJsonObject().getJsonArray("nodes");
  }
}
