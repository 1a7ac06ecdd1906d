package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Idle sockets are closed; pings keep a socket open. */
class BridgeIdleTest {

  @Test
  void silentSocketIsClosedWhilePingingSocketStaysOpen() {
    try (TestNode node = TestNode.start(new JsonObject().put("bridge", new JsonObject().put("idleTimeoutMs", 600)));
         BridgeClient silent = node.bridge();
         BridgeClient pinging = node.bridge()) {
      long pings = node.vertx().setPeriodic(100, t -> pinging.sendAsync(new JsonObject().put("type", "ping")));

      Poll.until("the silent socket to be closed", Duration.ofSeconds(10), silent::isClosed);
      node.vertx().cancelTimer(pings);

      assertThat(silent.closeStatus()).isEqualTo((short) 1001);
      assertThat(pinging.isClosed()).isFalse();
      assertThat(pinging.request("demo.echo", "alive", "r").getString("body")).isEqualTo("alive");
    }
  }
}
