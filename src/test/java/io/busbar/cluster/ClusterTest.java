package io.busbar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.multimap.MultiMap;
import io.busbar.metrics.ClusterMeters;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.SseStream;
import io.busbar.testsupport.TestCluster;
import io.busbar.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Busbar nodes in one real Hazelcast cluster, in this JVM (one cluster for all these tests, to keep them fast).
 * Node A is a gateway only and the oldest member; node B is a gateway and a worker, so every service A reaches lives
 * on B. Each node runs the cluster service, the gateway and the demo services it needs, nothing else. The periodic
 * sweep of dead routes is slowed down so that each repair is seen on its own.
 */
class ClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path descriptors;
  private static TestCluster cluster;
  private static TestNode a;
  private static TestNode b;

  @BeforeAll
  static void start() throws IOException {
    for (String name : List.of("cluster.json", "gateway.json", "demo-echo.json", "demo-hash.json")) {
      Files.copy(Path.of("verticles", name), descriptors.resolve(name));
    }
    cluster = TestCluster.create("cluster");
    a = cluster.start(node("a", "gateway").put("bridge", new JsonObject().put("replyTimeoutMs", 2_000))).get(0);
    b = cluster.start(node("b", "gateway,worker")).get(0);
  }

  /** The configuration of a test node called {@code name} with these roles. */
  static JsonObject node(String name, String roles) {
    return new JsonObject().put("node", new JsonObject().put("name", name).put("roles", roles))
        .put("deploy", new JsonObject().put("dir", descriptors.toString()))
        .put("cluster", new JsonObject().put("sweepMs", 600_000));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** The bus spans nodes: clients connect to A, messages are published on B. */
  @Nested
  class Bus {

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
        TestNode c = cluster.start(node("c", "worker")).get(0);
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
      TestNode d = cluster.start(node("d", "gateway")).get(0);
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

    private JsonArray nodesSeenBy(TestNode node) {
      return Await.result(node.http().get("/api/cluster").send()).bodyAsJsonObject().getJsonArray("nodes");
    }

  }

  /**
   * Routes to nodes that are gone (VERTX5.md pitfall 8), put in place the way a failed clean-up leaves them: an
   * entry in Vert.x's {@code __vertx.subs} whose node is not a member.
   */
  /** Every node reports to the dashboard, with the membership it sees. */
  @Nested
  class Dashboard {

    @Test
    void eachNodePublishesItsSnapshotWithTheClustersMembersToEveryNode() {
      List<String> deployments = new CopyOnWriteArrayList<>();
      try {
        for (var entry : List.of(java.util.Map.entry(a, node("a", "gateway")), java.util.Map.entry(b,
            node("b", "gateway,worker")))) {
          JsonObject config = TestNode.testConfig().mergeIn(entry.getValue(), true)
              .put("stats", new JsonObject().put("intervalMs", 200));
          deployments.add(Await.result(entry.getKey().vertx().deployVerticle(new io.busbar.dashboard.StatsVerticle(),
              new io.vertx.core.DeploymentOptions().setConfig(config))));
        }
        List<JsonObject> seenOnA = new CopyOnWriteArrayList<>();
        var consumer = a.vertx().eventBus().<JsonObject>consumer(io.busbar.bus.Addresses.Stats.SNAPSHOTS,
            m -> seenOnA.add(m.body()));
        try {
          Poll.until("a snapshot of B, published on B, that lists both members", WAIT, () -> seenOnA.stream()
              .filter(snap -> "b".equals(snap.getJsonObject("node").getString("name")))
              .anyMatch(snap -> snap.getJsonObject("cluster") != null && snap.getJsonObject("cluster")
                  .getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("name")).toList()
                  .containsAll(List.of("a", "b"))));
          JsonObject ofB = seenOnA.stream().filter(snap -> "b".equals(snap.getJsonObject("node").getString("name")))
              .reduce((x, y) -> y).orElseThrow();
          assertThat(ofB.getJsonObject("node").getJsonArray("roles")).containsExactly("gateway", "worker");
          assertThat(ofB.getJsonObject("cluster").getInteger("members")).isGreaterThanOrEqualTo(2);
          assertThat(seenOnA).as("A reports too").anyMatch(snap -> "a".equals(snap.getJsonObject("node")
              .getString("name")));
        } finally {
          Await.result(consumer.unregister());
        }
      } finally {
        Await.result(a.vertx().undeploy(deployments.get(0)));
        if (deployments.size() > 1) {
          Await.result(b.vertx().undeploy(deployments.get(1)));
        }
      }
    }
  }

  @Nested
  class DeadRoutes {

    /** Each test starts with no dead route left by another. */
    @AfterEach
    void removeDeadRoutes() {
      List<String> members = ClusterView.of(a.vertx()).memberIds();
      subs().entrySet().stream().filter(e -> !members.contains(e.getValue().unwrap().nodeId())).toList()
          .forEach(e -> subs().remove(e.getKey(), e.getValue()));
    }

    private MultiMap<String, HazelcastRegistrationInfo> subs() {
      return ClusterView.of(a.vertx()).hazelcast().getMultiMap(StaleRoutes.SUBS);
    }

    /** A registration of {@code address} by a node that is not (and never was) a member. */
    private String injectDeadRoute(String address) {
      String dead = UUID.randomUUID().toString();
      subs().put(address, new HazelcastRegistrationInfo(new RegistrationInfo(dead, 1, false)));
      return dead;
    }

    private boolean routed(String address, String nodeId) {
      return subs().get(address).stream().anyMatch(r -> r.unwrap().nodeId().equals(nodeId));
    }

    private ReplyFailure requestFromA(String address, long timeoutMs) {
      try {
        Await.result(a.vertx().eventBus().request(address, "x", new DeliveryOptions().setSendTimeout(timeoutMs)));
        return null;
      } catch (ReplyException e) {
        return e.failureType();
      }
    }

    @Test
    void aRouteToANodeThatIsGoneLosesRequestsUntilTheGatewayRemovesItAndTriesAgain() {
      Poll.until("B's demo.echo known on A", WAIT, () -> requestFromA("demo.echo", 2_000) == null);
      String dead = injectDeadRoute("demo.echo");
      // The trap: Vert.x round-robins over both routes, and what goes to the dead node is lost.
      Poll.until("a request from A lost on the dead route", WAIT, () -> requestFromA("demo.echo", 1_000) == ReplyFailure.TIMEOUT);
      assertThat(routed("demo.echo", dead)).isTrue();
      double removedBefore = Metrics.value(a, "busbar_cluster_stale_routes_removed_total");

      for (int i = 0; i < 4; i++) {
        var reply = Await.result(a.http().post("/api/request/demo.echo?timeout=1000").sendJsonObject(new JsonObject().put("i", i)));
        assertThat(reply.statusCode()).as("HTTP request %d through A's gateway", i).isEqualTo(200);
        assertThat(reply.bodyAsJsonObject()).isEqualTo(new JsonObject().put("i", i));
      }

      assertThat(routed("demo.echo", dead)).as("the gateway removed the dead route").isFalse();
      assertThat(Metrics.value(a, "busbar_cluster_stale_routes_removed_total")).isGreaterThan(removedBefore);
      assertThat(Metrics.value(a, "busbar_cluster_retries_total")).isPositive();
      for (int i = 0; i < 6; i++) {
        assertThat(requestFromA("demo.echo", 2_000)).as("request %d after the repair", i).isNull();
      }
    }

    @Test
    void theBridgeTriesARequestLostOnADeadRouteOnceMore() {
      Poll.until("B's demo.echo known on A", WAIT, () -> requestFromA("demo.echo", 2_000) == null);
      String dead = injectDeadRoute("demo.echo");
      Poll.until("the dead route in A's routing", WAIT, () -> requestFromA("demo.echo", 1_000) == ReplyFailure.TIMEOUT);

      try (BridgeClient client = a.bridge()) {
        for (int i = 0; i < 4; i++) {
          JsonObject frame = client.request("demo.echo", new JsonObject().put("i", i), "r-" + i);
          assertThat(frame.getString("type")).as("reply %d: %s", i, frame).isEqualTo("rec");
        }
      }
      assertThat(routed("demo.echo", dead)).isFalse();
    }

    @Test
    void theOldestMemberSweepsRoutesOfNodesAbsentFromTwoSweepsAndNeverAMembersRoutes() {
      RouteHealer healer = new RouteHealer(a.vertx(), ClusterView.of(a.vertx()), ClusterMeters.get());
      Poll.until("B's demo.echo known on A", WAIT, () -> requestFromA("demo.echo", 2_000) == null);
      String dead = injectDeadRoute("test.swept");
      String idB = ClusterView.of(b.vertx()).nodeId();

      assertThat(Await.result(healer.sweepIfOldest())).as("first sight: only suspected").isZero();
      assertThat(routed("test.swept", dead)).isTrue();
      assertThat(Await.result(healer.sweepIfOldest())).isGreaterThanOrEqualTo(1);

      assertThat(routed("test.swept", dead)).isFalse();
      assertThat(routed("demo.echo", idB)).as("a member's route stays").isTrue();
      RouteHealer onB = new RouteHealer(b.vertx(), ClusterView.of(b.vertx()), ClusterMeters.get());
      injectDeadRoute("test.swept");
      assertThat(Await.result(onB.sweepIfOldest())).as("only the oldest member sweeps").isZero();
      assertThat(Await.result(onB.sweepIfOldest())).isZero();
    }

    @Test
    void aDepartedNodesRoutesAreRemovedAtOnce() {
      RouteHealer healer = new RouteHealer(a.vertx(), ClusterView.of(a.vertx()), ClusterMeters.get());
      String dead = injectDeadRoute("test.departed");

      healer.departed(dead);

      Poll.until("the departed node's route removed", WAIT, () -> !routed("test.departed", dead));
    }

    @Test
    void registrationsLostWithTheirPartitionArePublishedAgain() {
      Poll.until("B's demo.echo known on A", WAIT, () -> requestFromA("demo.echo", 2_000) == null);
      String idB = ClusterView.of(b.vertx()).nodeId();
      // What losing a partition's every copy does to B's routes.
      subs().get("demo.echo").stream().filter(r -> r.unwrap().nodeId().equals(idB)).toList()
          .forEach(r -> subs().remove("demo.echo", r));
      Poll.until("demo.echo unreachable from A", WAIT, () -> requestFromA("demo.echo", 2_000) == ReplyFailure.NO_HANDLERS);

      Await.result(new RouteHealer(b.vertx(), ClusterView.of(b.vertx()), ClusterMeters.get()).republishOwn());

      Poll.until("demo.echo reachable from A again", WAIT, () -> requestFromA("demo.echo", 2_000) == null);
      assertThat(List.of(routed("demo.echo", idB))).containsExactly(true);
    }

  }
}
