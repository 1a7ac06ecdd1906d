package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestNode;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bridge's abuse limits: connections, requests in flight, message rate, slow consumers. */
class BridgeLimitsTest {

  private static TestNode node(JsonObject bridge) {
    return TestNode.start(new JsonObject().put("bridge", bridge));
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedAtTheHandshake() {
    try (TestNode node = node(new JsonObject().put("maxConnections", 3))) {
      List<BridgeClient> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        clients.add(node.bridge());
      }
      assertThatThrownBy(node::bridge).isInstanceOf(UpgradeRejectedException.class)
          .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(503));

      clients.remove(0).close();
      Poll.until("a place to free up", Duration.ofSeconds(10), () -> {
        try (BridgeClient again = node.bridge()) {
          return again.request("demo.echo", "in", "r").getString("body").equals("in");
        } catch (RuntimeException e) {
          return false;
        }
      });
      clients.forEach(BridgeClient::close);
    }
  }

  @Test
  void requestsBeyondTheInFlightLimitAreRefused() {
    try (TestNode node = node(new JsonObject().put("maxInFlight", 2).put("replyTimeoutMs", 60_000));
         BridgeClient client = node.bridge()) {
      Await.result(node.vertx().eventBus().consumer("test.silent", m -> { }).completion());
      client.send(new JsonObject().put("type", "send").put("address", "test.silent").put("replyAddress", "a"));
      client.send(new JsonObject().put("type", "send").put("address", "test.silent").put("replyAddress", "b"));

      JsonObject third = client.request("test.silent", "c", "c");

      assertThat(third.getString("body")).isEqualTo("max_in_flight_reached");
      assertThat(third.getInteger("failureCode")).isEqualTo(429);
    }
  }

  @Test
  void framesOverTheRateAreRefusedAndPersistentExcessCloses() {
    try (TestNode node = node(new JsonObject().put("ratePerSecond", 5).put("rateBurst", 5)
        .put("maxRateViolations", 20)); BridgeClient client = node.bridge()) {
      for (int i = 0; i < 8; i++) {
        client.sendAsync(new JsonObject().put("type", "ping"));
      }
      assertThat(client.next().getString("body")).isEqualTo("rate_limited");

      for (int i = 0; i < 40; i++) {
        client.sendAsync(new JsonObject().put("type", "ping"));
      }
      Poll.until("the connection to be closed", Duration.ofSeconds(10), client::isClosed);
      assertThat(client.closeStatus()).isEqualTo((short) 1008);
    }
  }

  /** Publishes 4 KiB messages until the node reports a dropped message (at most 60,000); returns how many. */
  private static int publishUntilDropped(TestNode node) {
    String payload = "x".repeat(4096);
    int sent = 0;
    while (Metrics.value(node, "busbar_gateway_dropped_total") == 0) {
      assertThat(sent).as("messages published before the slow client's queue filled").isLessThan(60_000);
      for (int i = 0; i < 1000; i++) {
        node.vertx().eventBus().publish("test.firehose", new JsonObject().put("i", sent++).put("p", payload));
      }
    }
    return sent;
  }

  @Test
  void slowConsumerLosesMessagesNotTheNodeAndFastClientsGetEverything() {
    try (TestNode node = node(new JsonObject().put("ratePerSecond", 0));
         BridgeClient slow = node.bridge().register("test.firehose");
         BridgeClient fast = node.bridge().register("test.firehose")) {
      slow.pause();

      // Published in rounds that the fast client reads before the next, so that it stays fast however loaded the
      // machine is, while the paused client's queue fills until the node drops for it.
      String payload = "x".repeat(4096);
      int sent = 0;
      while (Metrics.value(node, "busbar_gateway_dropped_total") == 0) {
        assertThat(sent).as("messages published before the slow client's queue filled").isLessThan(60_000);
        int from = sent;
        for (int i = 0; i < 500; i++) {
          node.vertx().eventBus().publish("test.firehose", new JsonObject().put("i", sent++).put("p", payload));
        }
        for (int i = from; i < sent; i++) {
          assertThat(fast.next().getJsonObject("body").getInteger("i")).isEqualTo(i);
        }
      }
      slow.resume();
      boolean told = false;
      for (int i = 0; i < sent && !told; i++) {
        told = "slow_consumer".equals(slow.next().getString("body"));
      }
      assertThat(told).as("the slow client is told that it lost messages").isTrue();
      assertThat(slow.isClosed()).isFalse();
    }
  }

  @Test
  void slowConsumerIsClosedUnderTheClosePolicy() {
    try (TestNode node = node(new JsonObject().put("slowConsumer", "close").put("ratePerSecond", 0));
         BridgeClient slow = node.bridge().register("test.firehose")) {
      slow.pause();

      publishUntilDropped(node);
      slow.resume();

      Poll.until("the slow client to be closed", Duration.ofSeconds(20), slow::isClosed);
      assertThat(slow.closeStatus()).isEqualTo((short) 1008);
    }
  }
}
