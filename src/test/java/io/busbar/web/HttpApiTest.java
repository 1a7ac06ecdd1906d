package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.SseStream;
import io.busbar.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API and its error mapping, against a real node. */
class HttpApiTest {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject().put("api", new JsonObject().put("maxBodyBytes", 1024)));
    node.vertx().eventBus().<Object>consumer("test.teapot", m -> m.fail(418, "I'm a teapot"));
    node.vertx().eventBus().<Object>consumer("test.odd-code", m -> m.fail(42, "odd"));
    node.vertx().eventBus().<Object>consumer("test.silent", m -> { });
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<Buffer> post(String uri, String body) {
    return Await.result(node.http().post(uri).sendBuffer(Buffer.buffer(body)));
  }

  @Test
  void requestReturnsTheReplyBody() {
    HttpResponse<Buffer> response = post("/api/request/demo.echo", "{\"a\":[1,2]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("a", new io.vertx.core.json.JsonArray().add(1).add(2)));
  }

  @Test
  void aJsonBodySentAsAFormAsCurlDashDDoesIsReadAsJsonEvenWithAPercentSign() {
    HttpResponse<Buffer> response = Await.result(node.http().post("/api/request/demo.echo")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("{\"msg\":\"100% done\"}")));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("msg", "100% done"));
  }

  @Test
  void requestToAWorkerServiceReturnsItsResult() {
    HttpResponse<Buffer> response = post("/api/request/demo.hash", "{\"data\":\"abc\",\"iterations\":2}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("hash"))
        .isEqualTo(io.busbar.demo.HashVerticle.sha256("abc", 2)).hasSize(64);
  }

  @Test
  void sendAndPublishAreAcceptedAndDelivered() {
    List<Object> got = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> a = node.vertx().eventBus().consumer("test.http-in", m -> got.add("a:" + m.body()));
    MessageConsumer<Object> b = node.vertx().eventBus().consumer("test.http-in", m -> got.add("b:" + m.body()));
    Await.result(a.completion());
    Await.result(b.completion());
    try {
      assertThat(post("/api/publish/test.http-in", "\"all\"").statusCode()).isEqualTo(202);
      Poll.until("both subscribers", Duration.ofSeconds(10), () -> got.containsAll(List.of("a:all", "b:all")));

      assertThat(post("/api/send/test.http-in", "\"one\"").statusCode()).isEqualTo(202);
      Poll.until("one subscriber", Duration.ofSeconds(10), () -> got.stream().filter(s -> s.toString().endsWith(":one")).count() == 1);
    } finally {
      a.unregister();
      b.unregister();
    }
  }

  @Test
  void failuresMapToStatusesWithAJsonErrorBody() {
    assertError(post("/api/request/test.nobody", "{}"), 404, "no_handlers");
    assertError(post("/api/request/test.silent?timeout=100", "{}"), 504, "timeout");
    assertError(post("/api/request/test.teapot", "{}"), 418, "recipient_failure");
    assertError(post("/api/request/test.odd-code", "{}"), 500, "recipient_failure");
    assertError(post("/api/request/demo.hash", "{\"data\":1}"), 400, "bad_request");
  }

  @Test
  void recipientFailureCarriesItsCodeAndMessage() {
    JsonObject body = post("/api/request/test.teapot", "{}").bodyAsJsonObject();

    assertThat(body.getInteger("failureCode")).isEqualTo(418);
    assertThat(body.getString("message")).isEqualTo("I'm a teapot");
  }

  @Test
  void badInputGets4xxAndNothingIsDelivered() {
    List<Object> got = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> consumer = node.vertx().eventBus().consumer("test.guarded", m -> got.add(m.body()));
    Await.result(consumer.completion());
    try {
      assertError(post("/api/send/test.guarded", "{not json"), 400, "invalid_json");
      assertError(post("/api/send/test.guarded", "{\"big\":\"" + "x".repeat(2000) + "\"}"), 413, "body_too_large");
      assertError(post("/api/request/test.guarded?timeout=abc", "{}"), 400, "invalid_parameter");
      assertError(post("/api/request/test.guarded?timeout=0", "{}"), 400, "invalid_parameter");
      assertError(post("/api/send/secret.guarded", "{}"), 403, "access_denied");
      assertError(post("/api/send/__vertx.guarded", "{}"), 403, "access_denied");
      assertError(post("/api/send/" + "a".repeat(300), "{}"), 400, "max_address_length_reached");

      assertThat(post("/api/send/test.guarded", "\"good\"").statusCode()).isEqualTo(202);
      Poll.until("the good message", Duration.ofSeconds(10), () -> got.contains("good"));
      assertThat(got).containsExactly("good");
    } finally {
      consumer.unregister();
    }
  }

  @Test
  void unknownRoutesAndMethodsGetJsonErrors() {
    assertError(Await.result(node.http().get("/api/nothing").send()), 404, "not_found");
    assertError(Await.result(node.http().get("/api/request/demo.echo").send()), 405, "method_not_allowed");
  }

  @Test
  void healthReadyAndMetricsAnswer() {
    assertThat(Await.result(node.http().get("/health").send()).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = Await.result(node.http().get("/ready").send());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonArray("deployments")).hasSize(9);
    String metrics = Await.result(node.http().get("/metrics").send()).bodyAsString();
    assertThat(metrics).contains("vertx_http_server_requests_total", "vertx_eventbus_handlers",
        "vertx_pool_in_use{pool_name=\"cpu\"", "busbar_gateway_connections");
    // Event-bus meters by neither address nor side: both multiply the cost of looking meters up per message.
    assertThat(metrics.lines().filter(line -> line.startsWith("vertx_eventbus_"))).isNotEmpty()
        .noneMatch(line -> line.contains("address=") || line.contains("side="));
  }

  @Test
  void subscribeStreamsMessagesAsServerSentEvents() {
    try (SseStream stream = SseStream.open(node, "/api/subscribe/test.sse")) {
      HttpClientResponse response = stream.response();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("text/event-stream");
      Poll.until("the subscription to be live", Duration.ofSeconds(10), () -> stream.text().contains(": subscribed"));

      node.vertx().eventBus().publish("test.sse", new JsonObject().put("n", 1));
      node.vertx().eventBus().publish("test.sse", new JsonObject().put("n", 2));

      // As a client's publish through the gateway carries it: its identity is for services, not subscribers.
      node.vertx().eventBus().publish("test.sse", new JsonObject().put("n", 3), new DeliveryOptions()
          .addHeader("busbar-subject", "alice").addHeader("busbar-authorities", "admin").addHeader("x-trace", "t"));

      Poll.until("three events", Duration.ofSeconds(10), () -> stream.text().contains("\"n\":3"));
      assertThat(stream.text()).contains("event: message\nid: 1\ndata: {\"address\":\"test.sse\",\"body\":{\"n\":1}}\n\n")
          .contains("id: 2\n")
          .contains("id: 3\ndata: {\"address\":\"test.sse\",\"body\":{\"n\":3},\"headers\":{\"x-trace\":\"t\"}}\n\n")
          .doesNotContain("alice");
    }
    Poll.until("the SSE consumer removed", Duration.ofSeconds(10),
        () -> Metrics.value(node, "busbar_gateway_subscriptions") == 0);
  }

  @Test
  void subscribeToAForbiddenAddressIsRefused() {
    assertError(Await.result(node.http().get("/api/subscribe/demo.echo").send()), 403, "access_denied");
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as("status of %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo(code);
    assertThat(body.getString("message")).isNotBlank();
  }
}
