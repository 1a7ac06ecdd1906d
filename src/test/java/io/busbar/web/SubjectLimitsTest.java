package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestNode;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Limits per subject (the identity behind a token): connections a subject may hold, and one message rate shared by
 * all its sockets. Clients authenticate with API keys of two subjects, ada and bob; anonymous clients are allowed
 * and not limited per subject.
 */
class SubjectLimitsTest {

  private static final String ADA = "ada-key-0123456789abcdef";
  private static final String BOB = "bob-key-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static TestNode node(JsonObject bridge) {
    JsonObject auth = new JsonObject().put("anonymous", true).put("apiKeys", new JsonArray()
        .add(new JsonObject().put("key", ADA).put("subject", "ada"))
        .add(new JsonObject().put("key", BOB).put("subject", "bob")));
    return TestNode.start(new JsonObject().put("auth", auth).put("bridge", bridge));
  }

  /** A raw bridge socket with {@code key} as its access token, or anonymous when null. */
  private static BridgeClient connect(TestNode node, String key) {
    return BridgeClient.connect(node.vertx(), new WebSocketClientOptions(), new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(node.port())
        .setURI("/eventbus/websocket" + (key == null ? "" : "?access_token=" + key)));
  }

  private static double subjectsGauge(TestNode node) {
    return Metrics.value(node, "busbar_gateway_subjects");
  }

  private static void assertRefused(TestNode node, String key) {
    assertThatThrownBy(() -> connect(node, key)).isInstanceOfSatisfying(UpgradeRejectedException.class, e -> {
      assertThat(e.getStatus()).isEqualTo(429);
      JsonObject body = e.getBody().toJsonObject();
      assertThat(body.getString("error")).isEqualTo("max_connections_per_subject_reached");
      assertThat(body.getString("message")).contains("2 bridge connections");
    });
  }

  @Test
  void connectionBeyondTheSubjectsLimitIsRefusedWhileOthersConnectAndAClosedSocketFreesItsSlot() {
    try (TestNode node = node(new JsonObject().put("maxConnectionsPerSubject", 2))) {
      double baseline = subjectsGauge(node);
      List<BridgeClient> ada = new ArrayList<>(List.of(connect(node, ADA), connect(node, ADA)));

      assertRefused(node, ADA);
      assertThat(subjectsGauge(node)).as("one subject holds connections").isEqualTo(baseline + 1);
      List<BridgeClient> others = new ArrayList<>(List.of(connect(node, BOB), connect(node, BOB)));
      for (int i = 0; i < 3; i++) {
        others.add(connect(node, null));   // anonymous clients have no subject to count
      }
      for (BridgeClient client : others) {
        assertThat(client.request("demo.echo", "other", "r").getString("body")).isEqualTo("other");
      }
      assertThat(ada.get(1).request("demo.echo", "ada", "r").getString("body")).isEqualTo("ada");

      ada.remove(0).close();
      AtomicReference<BridgeClient> again = new AtomicReference<>();
      Poll.until("ada's closed socket to free its slot", WAIT, () -> {
        try {
          again.set(connect(node, ADA));
          return true;
        } catch (UpgradeRejectedException e) {
          return false;
        }
      });
      ada.add(again.get());
      assertRefused(node, ADA);   // freed once: the count is back at the limit, not below it

      ada.forEach(BridgeClient::close);
      others.forEach(BridgeClient::close);
      Poll.until("the subjects gauge to return to its baseline", WAIT, () -> subjectsGauge(node) == baseline);
    }
  }

  @Test
  void sockJsConnectionBeyondTheSubjectsLimitGetsAnErrFrameAndIsClosed() {
    try (TestNode node = node(new JsonObject().put("maxConnectionsPerSubject", 2));
         BridgeClient first = connect(node, ADA); BridgeClient second = connect(node, ADA)) {
      WebSocketClient client = node.vertx().createWebSocketClient();
      try {
        List<String> messages = new CopyOnWriteArrayList<>();
        WebSocket sockJs = BridgeClient.connectSockJs(client, new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(node.port()).setURI("/eventbus/000/limits/websocket?access_token=" + ADA), messages);
        Poll.until("the SockJS session to be closed (messages " + messages + ")", WAIT,
            () -> messages.stream().anyMatch(m -> m.startsWith("c[")) || sockJs.isClosed());

        assertThat(messages).anyMatch(m -> m.contains("max_connections_per_subject_reached"));
        assertThat(first.isClosed() || second.isClosed()).as("the subject's open sockets are untouched").isFalse();
      } finally {
        Await.result(client.close());
      }
    }
  }

  /** Sends {@code n} requests to demo.echo at once and returns the frame that answers each. */
  private static List<JsonObject> burst(BridgeClient client, int n) {
    for (int i = 0; i < n; i++) {
      client.sendAsync(new JsonObject().put("type", "send").put("address", "demo.echo").put("replyAddress", "r" + i)
          .put("body", i));
    }
    List<JsonObject> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(client.next());
    }
    return answers;
  }

  private static long rateLimited(List<JsonObject> answers) {
    return answers.stream().filter(f -> "rate_limited".equals(f.getString("body"))).count();
  }

  @Test
  void subjectsRateIsSharedByItsSocketsWhileOtherSubjectsAreUnaffected() {
    // Each connection may send 10,000 frames a second; ada's connections together 1 a second, with a burst of 4.
    try (TestNode node = node(new JsonObject().put("subjectRatePerSecond", 1).put("subjectRateBurst", 4)
        .put("maxRateViolations", 1000));
         BridgeClient ada1 = connect(node, ADA); BridgeClient ada2 = connect(node, ADA);
         BridgeClient bob = connect(node, BOB); BridgeClient anonymous = connect(node, null)) {
      assertThat(rateLimited(burst(ada1, 4))).as("ada's first socket spends the subject's burst").isZero();

      List<JsonObject> second = burst(ada2, 8);
      // The bucket refills at 1 a second: even 3 s later at most 3 of these 8 would pass.
      assertThat(rateLimited(second)).as("ada's second socket shares the spent bucket").isGreaterThanOrEqualTo(5);
      assertThat(second).filteredOn(f -> "rate_limited".equals(f.getString("body")))
          .allSatisfy(f -> assertThat(f.getString("message")).contains("this subject's connections together"));
      assertThat(ada2.isClosed()).isFalse();

      assertThat(rateLimited(burst(bob, 4))).as("bob has a bucket of his own").isZero();
      assertThat(rateLimited(burst(anonymous, 20))).as("anonymous clients have no subject bucket").isZero();
    }
  }

  @Test
  void socketThatKeepsExceedingItsSubjectsRateIsClosed() {
    try (TestNode node = node(new JsonObject().put("subjectRatePerSecond", 1).put("subjectRateBurst", 1)
        .put("maxRateViolations", 5));
         BridgeClient ada1 = connect(node, ADA); BridgeClient ada2 = connect(node, ADA);
         BridgeClient bob = connect(node, BOB)) {
      assertThat(ada1.request("demo.echo", "first", "r").getString("body")).isEqualTo("first");

      for (int i = 0; i < 20; i++) {
        ada2.sendAsync(new JsonObject().put("type", "ping"));
      }
      Poll.until("ada's flooding socket to be closed", WAIT, ada2::isClosed);

      assertThat(ada2.closeStatus()).isEqualTo((short) 1008);
      assertThat(ada1.isClosed()).as("the subject's other socket stays open").isFalse();
      assertThat(bob.request("demo.echo", "bob", "r").getString("body")).isEqualTo("bob");
    }
  }
}
