package io.busbar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.multimap.MultiMap;
import io.busbar.metrics.ClusterMeters;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestCluster;
import io.busbar.testsupport.TestNode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routes to nodes that are gone (VERTX5.md pitfall 8), put in place the way a failed clean-up leaves them: an entry
 * in Vert.x's {@code __vertx.subs} whose node is not a member. Node A (gateway only, the oldest member) reaches
 * {@code demo.echo} on node B; the periodic sweep is slowed down so that each repair is seen on its own.
 */
class StaleRoutesTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static TestCluster cluster;
  private static TestNode a;
  private static TestNode b;

  @BeforeAll
  static void start() {
    cluster = TestCluster.create("stale");
    JsonObject slowSweep = new JsonObject().put("sweepMs", 600_000);
    a = cluster.start(new JsonObject().put("cluster", slowSweep).put("bridge", new JsonObject().put("replyTimeoutMs", 300))
        .put("node", new JsonObject().put("name", "a").put("roles", "gateway"))).get(0);
    b = cluster.start(new JsonObject().put("cluster", slowSweep)
        .put("node", new JsonObject().put("name", "b").put("roles", "worker"))).get(0);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** Each test starts with no dead route left by another. */
  @AfterEach
  void removeDeadRoutes() {
    List<String> members = ClusterView.of(a.vertx()).memberIds();
    subs().entrySet().stream().filter(e -> !members.contains(e.getValue().unwrap().nodeId())).toList()
        .forEach(e -> subs().remove(e.getKey(), e.getValue()));
  }

  private static MultiMap<String, HazelcastRegistrationInfo> subs() {
    return ClusterView.of(a.vertx()).hazelcast().getMultiMap(StaleRoutes.SUBS);
  }

  /** A registration of {@code address} by a node that is not (and never was) a member. */
  private static String injectDeadRoute(String address) {
    String dead = UUID.randomUUID().toString();
    subs().put(address, new HazelcastRegistrationInfo(new RegistrationInfo(dead, 1, false)));
    return dead;
  }

  private static boolean routed(String address, String nodeId) {
    return subs().get(address).stream().anyMatch(r -> r.unwrap().nodeId().equals(nodeId));
  }

  private static ReplyFailure requestFromA(String address, long timeoutMs) {
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
    Poll.until("a request from A lost on the dead route", WAIT, () -> requestFromA("demo.echo", 300) == ReplyFailure.TIMEOUT);
    assertThat(routed("demo.echo", dead)).isTrue();
    double removedBefore = Metrics.value(a, "busbar_cluster_stale_routes_removed_total");

    for (int i = 0; i < 4; i++) {
      var reply = Await.result(a.http().post("/api/request/demo.echo?timeout=300").sendJsonObject(new JsonObject().put("i", i)));
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
    Poll.until("the dead route in A's routing", WAIT, () -> requestFromA("demo.echo", 300) == ReplyFailure.TIMEOUT);

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
