package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bridge protocol over the raw WebSocket endpoint, against a real node. */
class BridgeWebSocketTest {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("bridge", new JsonObject().put("maxFrameBytes", 1024)
        .put("maxHandlersPerSocket", 3)));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void sendWithReplyAddressGetsTheReplyAsATextFrame() {
    try (BridgeClient client = node.bridge()) {
      JsonObject reply = client.request("demo.echo", new JsonObject().put("hello", "world"), "r-1");

      assertThat(reply.getString("type")).isEqualTo("rec");
      assertThat(reply.getJsonObject("body")).isEqualTo(new JsonObject().put("hello", "world"));
      assertThat(client.binaryFrames()).isZero();
    }
  }

  @Test
  void aMessageSplitIntoFragmentsIsReadWholeAndNonAsciiTextSurvivesBothWays() {
    String body = "h\u00e9llo \u2713 \u65e5\u672c \ud83d\ude80";
    byte[] message = new JsonObject().put("type", "send").put("address", "demo.echo").put("replyAddress", "frag-1")
        .put("body", body).encode().getBytes(StandardCharsets.UTF_8);
    // Cut inside the body's multi-byte characters, with a ping between two fragments.
    int first = message.length - 12;
    int second = message.length - 5;
    try (BridgeClient client = node.bridge()) {
      client.sendFrames(
          WebSocketFrame.binaryFrame(Buffer.buffer(Arrays.copyOfRange(message, 0, first)), false),
          WebSocketFrame.pingFrame(Buffer.buffer("p")),
          WebSocketFrame.continuationFrame(Buffer.buffer(Arrays.copyOfRange(message, first, second)), false),
          WebSocketFrame.continuationFrame(Buffer.buffer(Arrays.copyOfRange(message, second, message.length)), true));

      JsonObject reply = client.next();
      assertThat(reply.getString("address")).isEqualTo("frag-1");
      assertThat(reply.getString("body")).isEqualTo(body);
      assertThat(client.binaryFrames()).isZero();
    }
  }

  @Test
  void aMessageLargerThanOneFrameReachesTheClientWhole() {
    String big = "y".repeat(300 * 1024);   // over the server's largest frame (256 KiB): sent in two frames
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(512 * 1024)
        .setMaxMessageSize(1024 * 1024);
    try (BridgeClient client = BridgeClient.connect(node.vertx(), node.port(), options).register("test.big")) {
      node.vertx().eventBus().publish("test.big", big);

      assertThat(client.next().getString("body")).isEqualTo(big);
    }
  }

  @Test
  void headersTravelToTheRecipientAndBack() {
    try (BridgeClient client = node.bridge()) {
      client.send(new JsonObject().put("type", "send").put("address", "demo.echo").put("replyAddress", "h-1")
          .put("headers", new JsonObject().put("x-trace", "abc")).put("body", 1));

      JsonObject headers = client.next().getJsonObject("headers");
      assertThat(headers.getString("x-trace")).isEqualTo("abc");
      // The service received the caller's identity too (busbar-subject...), but that is never shown to clients.
      assertThat(headers.fieldNames()).containsExactly("x-trace");
    }
  }

  @Test
  void subscribersDoNotLearnThePublishersIdentity() {
    try (BridgeClient subscriber = node.bridge().register("test.who-published");
        BridgeClient publisher = node.bridge()) {
      publisher.send(new JsonObject().put("type", "publish").put("address", "test.who-published")
          .put("headers", new JsonObject().put("x-trace", "p")).put("body", 1));

      JsonObject frame = subscriber.next();
      assertThat(frame.getInteger("body")).isEqualTo(1);
      assertThat(frame.getJsonObject("headers").fieldNames()).containsExactly("x-trace");
    }
  }

  @Test
  void failedRequestComesBackAsErrFrameOnTheReplyAddress() {
    try (BridgeClient client = node.bridge()) {
      JsonObject recipientFailure = client.request("demo.hash", new JsonObject().put("data", 42), "f-1");
      JsonObject noHandlers = client.request("test.nobody", "x", "f-2");

      assertThat(recipientFailure.getString("type")).isEqualTo("err");
      assertThat(recipientFailure.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
      assertThat(recipientFailure.getInteger("failureCode")).isEqualTo(400);
      assertThat(recipientFailure.getString("message")).contains("data");
      assertThat(noHandlers.getString("failureType")).isEqualTo("NO_HANDLERS");
    }
  }

  @Test
  void publishFansOutToEveryRegisteredSocket() {
    List<BridgeClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 25; i++) {
        clients.add(node.bridge().register("test.fanout"));
      }
      try (BridgeClient publisher = node.bridge()) {
        publisher.send(new JsonObject().put("type", "publish").put("address", "test.fanout")
            .put("body", new JsonObject().put("n", 7)));
      }
      for (BridgeClient client : clients) {
        JsonObject frame = client.next();
        assertThat(frame.getString("type")).isEqualTo("rec");
        assertThat(frame.getString("address")).isEqualTo("test.fanout");
        assertThat(frame.getJsonObject("body").getInteger("n")).isEqualTo(7);
      }
    } finally {
      clients.forEach(BridgeClient::close);
    }
  }

  @Test
  void serverRequestToAClientIsAnsweredThroughAClientFacingReplyAddress() {
    try (BridgeClient client = node.bridge().register("test.ask")) {
      Future<io.vertx.core.eventbus.Message<Object>> answer = node.vertx().eventBus().request("test.ask", "ping?");
      JsonObject question = client.next();
      String replyAddress = question.getString("replyAddress");
      assertThat(replyAddress).isNotBlank().doesNotStartWith("__");

      client.send(new JsonObject().put("type", "send").put("address", replyAddress).put("body", "pong!"));

      assertThat(Await.result(answer).body()).isEqualTo("pong!");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not JSON                | {not json                                         | invalid_json",
      "JSON but not an object  | [1,2,3]                                           | invalid_json",
      "no type                 | {\"address\":\"demo.echo\"}                       | missing_type",
      "unknown type            | {\"type\":\"shout\",\"address\":\"demo.echo\"}    | invalid_type",
      "no address              | {\"type\":\"send\",\"body\":1}                    | missing_address",
      "address not a string    | {\"type\":\"publish\",\"address\":5}              | missing_address",
      "forbidden send          | {\"type\":\"send\",\"address\":\"secret.x\"}      | access_denied",
      "forbidden publish       | {\"type\":\"publish\",\"address\":\"other.ticks\"} | access_denied",
      "forbidden register      | {\"type\":\"register\",\"address\":\"demo.echo\"} | access_denied",
      "internal send           | {\"type\":\"send\",\"address\":\"__vertx.x\"}     | access_denied",
      "internal register       | {\"type\":\"register\",\"address\":\"__busbar.node.status\"} | access_denied",
      "headers not an object   | {\"type\":\"send\",\"address\":\"demo.echo\",\"headers\":[1]} | invalid_headers",
      "reply address too long  | {\"type\":\"send\",\"address\":\"demo.echo\",\"replyAddress\":\"0123456789012345678901234567890123456789\"} | invalid_reply_address",
  })
  void badFrameGetsAnErrFrameAndTheConnectionLivesOn(String name, String frame, String code) {
    try (BridgeClient client = node.bridge(); BridgeClient neighbour = node.bridge()) {
      client.sendText(frame);

      JsonObject err = client.next();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("body")).isEqualTo(code);
      assertThat(err.getString("message")).isNotBlank();
      assertThat(client.request("demo.echo", "still here", "after").getString("body")).isEqualTo("still here");
      assertThat(neighbour.request("demo.echo", "me too", "n").getString("body")).isEqualTo("me too");
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  void refusedRequestIsAnsweredOnItsReplyAddressSoTheCallerIsNotLeftWaiting() {
    try (BridgeClient client = node.bridge()) {
      JsonObject err = client.request("secret.x", "hi", "denied-1");

      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("body")).isEqualTo("access_denied");
      assertThat(err.getString("failureType")).isEqualTo("access_denied");
      assertThat(err.getInteger("failureCode")).isEqualTo(403);
    }
  }

  @Test
  void frameOverTheConfiguredMaximumIsRefusedWithoutClosing() {
    try (BridgeClient client = node.bridge()) {
      String big = "x".repeat(2000);
      client.send(new JsonObject().put("type", "send").put("address", "demo.echo").put("body", big));

      assertThat(client.next().getString("body")).isEqualTo("frame_too_large");
      assertThat(client.request("demo.echo", "ok", "r").getString("body")).isEqualTo("ok");
    }
  }

  @Test
  void registeringTwiceOrBeyondTheLimitIsRefused() {
    try (BridgeClient client = node.bridge()) {
      client.register("test.a").register("test.b").register("test.c");

      client.send(new JsonObject().put("type", "register").put("address", "test.a"));
      assertThat(client.next().getString("body")).isEqualTo("address_already_registered");
      client.send(new JsonObject().put("type", "register").put("address", "test.d"));
      assertThat(client.next().getString("body")).isEqualTo("max_handlers_reached");
    }
  }

  @Test
  void unregisterStopsDelivery() {
    try (BridgeClient client = node.bridge().register("test.unreg")) {
      client.send(new JsonObject().put("type", "unregister").put("address", "test.unreg"));
      client.request("demo.echo", "sync", "s1");
      node.vertx().eventBus().publish("test.unreg", "gone");
      node.vertx().eventBus().publish("test.other", "x");

      JsonObject next = client.request("demo.echo", "after", "s2");
      assertThat(next.getString("body")).isEqualTo("after");
    }
  }

  @Test
  void closingSocketsRemovesEveryHandlerTheyRegistered() {
    long before = handlers();
    List<BridgeClient> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      clients.add(node.bridge().register("test.leak-" + i).register("test.leak-shared"));
    }
    assertThat(handlers()).isEqualTo(before + 20);

    clients.forEach(BridgeClient::close);

    Poll.until("handlers back to baseline", Duration.ofSeconds(10), () -> handlers() == before);
    Poll.until("no gateway subscriptions left", Duration.ofSeconds(10), () -> Metrics.value(node, "busbar_gateway_subscriptions") == 0);
  }

  /** Event-bus handlers registered on the node, from Vert.x's own meter. */
  private static long handlers() {
    return (long) Metrics.value(node, "vertx_eventbus_handlers");
  }

  @Test
  void consumersOfTheNodeSeeWhatAClientPublishes() {
    MessageConsumer<Object> consumer = node.vertx().eventBus().consumer("test.inbound");
    List<Object> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    consumer.handler(m -> got.add(m.body()));
    Await.result(consumer.completion());
    try (BridgeClient client = node.bridge()) {
      client.send(new JsonObject().put("type", "publish").put("address", "test.inbound").put("body", "hi"));
      Poll.until("the published message", Duration.ofSeconds(10), () -> got.contains("hi"));
    } finally {
      consumer.unregister();
    }
  }
}
