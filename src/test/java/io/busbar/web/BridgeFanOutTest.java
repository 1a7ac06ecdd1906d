package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestNode;
import io.busbar.web.ws.BridgeSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Fan-out through the bridge (issue 7): what one bridge client publishes reaches every fast subscriber, every message
 * and in order, at a steady rate and in a burst, with the bridge's default limits; and it still does while a client
 * that stops reading is registered on the same address, which is dropped-and-told ({@code drop}) or closed
 * ({@code close}). Clients run on their own Vert.x instance, as real clients would.
 */
class BridgeFanOutTest {

  private static final String ADDRESS = "test.fanout";
  private static final int MESSAGES = 5_000;
  private static final int FAST_CLIENTS = 3;
  private static final int STEADY_PER_SECOND = 1_000;
  /** Enough bytes in all (10 MB) to fill a paused client's socket buffers and the server's write queue. */
  private static final String PAYLOAD = "x".repeat(2048);
  private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(60);

  /** How the publisher sends its messages. */
  enum Pace { STEADY, BURST }

  private final Vertx clients = Vertx.vertx();
  private TestNode node;

  @BeforeEach
  void noNodeYet() {
    node = null;
  }

  @AfterEach
  void closeEverything() {
    Await.result(clients.close());
    if (node != null) {
      node.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Pace.class)
  void everyFastClientGetsEveryMessageInOrder(Pace pace) {
    node = TestNode.start(new JsonObject());
    List<BridgeClient> fast = subscribers(FAST_CLIENTS);

    publish(connect(), pace, "");

    fast.forEach(BridgeFanOutTest::assertEveryMessageInOrder);
  }

  @ParameterizedTest
  @EnumSource(Pace.class)
  void fastClientsGetEveryMessageWhileASlowOneIsDroppedAndTold(Pace pace) {
    // A burst of 5,000 × 2 KB: 4 MiB of queue lets a reading client fall that far behind on a loaded machine; the
    // paused one still overflows it.
    node = TestNode.start(new JsonObject().put("bridge", new JsonObject().put("slowConsumer", "drop")
        .put("maxQueuedBytes", 4 * 1024 * 1024)));
    List<BridgeClient> fast = subscribers(FAST_CLIENTS);
    BridgeClient slow = slowSubscriber();

    publish(connect(), pace, PAYLOAD);

    fast.forEach(BridgeFanOutTest::assertEveryMessageInOrder);
    assertThat(Metrics.value(node, "busbar_gateway_dropped_total")).as("messages dropped for the slow client")
        .isPositive();
    slow.resume();
    boolean told = false;
    for (int i = 0; i <= MESSAGES && !told; i++) {
      JsonObject frame = slow.next();
      told = "err".equals(frame.getString("type")) && "slow_consumer".equals(frame.getString("body"));
    }
    assertThat(told).as("the slow client is told that it lost messages").isTrue();
    assertThat(slow.isClosed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Pace.class)
  void fastClientsGetEveryMessageWhileASlowOneIsClosed(Pace pace) {
    // The slow client reads again only after the fast ones got everything: give it time to see the close frame.
    node = TestNode.start(new JsonObject().put("bridge", new JsonObject().put("slowConsumer", "close")
        .put("closeTimeoutMs", 600_000).put("maxQueuedBytes", 4 * 1024 * 1024)));
    List<BridgeClient> fast = subscribers(FAST_CLIENTS);
    BridgeClient slow = slowSubscriber();
    Logger sessionLog = (Logger) LoggerFactory.getLogger(BridgeSession.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    sessionLog.addAppender(logged);
    try {
      publish(connect(), pace, PAYLOAD);

      fast.forEach(BridgeFanOutTest::assertEveryMessageInOrder);
      slow.resume();
      Poll.until("the slow client to be closed", DELIVERY_DEADLINE, slow::isClosed);
    } finally {
      sessionLog.detachAppender(logged);
    }
    assertThat(slow.closeStatus()).isEqualTo((short) 1008);
    // The close is decided once, not again (with a log line) for every message until the handshake times out.
    synchronized (logged) {   // the appender appends under its own lock
      assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().startsWith("closing slow client")).hasSize(1);
    }
  }

  private BridgeClient connect() {
    return BridgeClient.connect(clients, node.port());
  }

  private List<BridgeClient> subscribers(int count) {
    List<BridgeClient> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(connect().register(ADDRESS));
    }
    return out;
  }

  /** A client with a small receive buffer that registers and then stops reading. */
  private BridgeClient slowSubscriber() {
    BridgeClient slow = BridgeClient.connect(clients, node.port(), new WebSocketClientOptions().setReceiveBufferSize(4096))
        .register(ADDRESS);
    slow.pause();
    return slow;
  }

  /**
   * Publishes {@link #MESSAGES} messages {@code {"i":n,"p":payload}} through {@code publisher}: all at once
   * ({@code BURST}), or {@link #STEADY_PER_SECOND} a second from a 5 ms timer ({@code STEADY}).
   */
  private void publish(BridgeClient publisher, Pace pace, String payload) {
    if (pace == Pace.BURST) {
      for (int i = 0; i < MESSAGES; i++) {
        publisher.sendAsync(message(i, payload));
      }
      return;
    }
    AtomicInteger sent = new AtomicInteger();
    long start = System.nanoTime();
    long timer = clients.setPeriodic(5, t -> {
      long due = Math.min(MESSAGES, (System.nanoTime() - start) * STEADY_PER_SECOND / 1_000_000_000L);
      while (sent.get() < due) {
        publisher.sendAsync(message(sent.getAndIncrement(), payload));
      }
    });
    Poll.until("every message to be published", DELIVERY_DEADLINE, () -> sent.get() == MESSAGES);
    clients.cancelTimer(timer);
  }

  private static JsonObject message(int i, String payload) {
    return new JsonObject().put("type", "publish").put("address", ADDRESS)
        .put("body", new JsonObject().put("i", i).put("p", payload));
  }

  /** Waits (with a deadline) until {@code client} has {@link #MESSAGES} frames, then checks they are 0, 1, 2, … */
  private static void assertEveryMessageInOrder(BridgeClient client) {
    long deadline = System.nanoTime() + DELIVERY_DEADLINE.toNanos();
    while (client.pending() < MESSAGES && System.nanoTime() < deadline) {
      LockSupport.parkNanos(20_000_000);
    }
    assertThat(client.pending()).as("messages received by a fast client within %s", DELIVERY_DEADLINE)
        .isEqualTo(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      JsonObject frame = client.next();
      assertThat(frame.getString("type")).as("frame %d: %s", i, frame).isEqualTo("rec");
      assertThat(frame.getJsonObject("body").getInteger("i")).as("message number").isEqualTo(i);
    }
  }
}
