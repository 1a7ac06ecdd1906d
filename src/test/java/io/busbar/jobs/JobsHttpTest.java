package io.busbar.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.jobs.webhook.WebhookSignature;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.JobsFixture;
import io.busbar.testsupport.Poll;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/jobs} and {@code /api/queues} over real HTTP, and webhooks to a real local receiver. */
class JobsHttpTest {

  private static final String SECRET = "test-secret";
  private static JobsFixture jobs;

  @BeforeAll
  static void start() {
    jobs = JobsFixture.start(new JsonObject().put("jobs", new JsonObject().put("maxBatch", 3)
        .put("webhook", new JsonObject().put("secret", SECRET).put("initialBackoffMs", 10).put("maxBackoffMs", 50))));
  }

  @AfterAll
  static void stop() {
    jobs.close();
  }

  private static HttpResponse<Buffer> post(String uri, String body) {
    return Await.result(jobs.node().http().post(uri).sendBuffer(Buffer.buffer(body)));
  }

  private static HttpResponse<Buffer> get(String uri) {
    return Await.result(jobs.node().http().get(uri).send());
  }

  @Test
  void submitAnswers202WithAReceiptAndTheJobCanBeAwaited() {
    HttpResponse<Buffer> accepted = post("/api/jobs", "{\"type\":\"echo\",\"payload\":{\"n\":1}}");

    assertThat(accepted.statusCode()).isEqualTo(202);
    JsonObject receipt = accepted.bodyAsJsonObject();
    assertThat(receipt.fieldNames()).contains("id", "state", "queue", "position", "etaMs", "eventsAddress");
    assertThat(accepted.getHeader("Location")).isEqualTo("/api/jobs/" + receipt.getString("id"));
    JsonObject job = get("/api/jobs/" + receipt.getString("id") + "?waitMs=10000").bodyAsJsonObject();
    assertThat(job.getString("state")).isEqualTo("succeeded");
    assertThat(job.getJsonObject("result")).isEqualTo(new JsonObject().put("n", 1));
  }

  @Test
  void jobIdsAreTimeOrderedUuidsThatSortInAcceptanceOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(post("/api/jobs", "{\"type\":\"noop\"}").bodyAsJsonObject().getString("id"));
    }

    assertThat(ids).allSatisfy(id -> assertThat(UUID.fromString(id).version()).isEqualTo(7));
    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void errorsAreMappedToStatusesWithJsonBodies() {
    assertError(post("/api/jobs", "{oops"), 400, "invalid_json", "not valid JSON");
    assertError(post("/api/jobs", "[1]"), 400, "bad_request", "body:");
    assertError(post("/api/jobs", "{\"type\":\"echo\",\"timeoutMs\":0}"), 400, "bad_request", "timeoutMs:");
    assertError(post("/api/jobs/batch", "{\"jobs\":[{\"type\":\"echo\"},{\"type\":\"echo\"},{\"type\":\"echo\"},"
        + "{\"type\":\"echo\"}]}"), 400, "bad_request", "jobs: must be an array of 1 to 3 jobs");
    assertError(get("/api/jobs/nope"), 404, "not_found", "no job nope");
    assertError(get("/api/jobs/nope?waitMs=soon"), 400, "invalid_parameter", "waitMs");
    String done = post("/api/jobs", "{\"type\":\"echo\"}").bodyAsJsonObject().getString("id");
    jobs.awaitFinal(done);
    assertError(Await.result(jobs.node().http().delete("/api/jobs/" + done).send()), 409, "conflict", "already");
  }

  @Test
  void fullQueueAnswers429WithRetryAfter() {
    jobs.blockQueue("small", "http-429");
    post("/api/jobs", JobsFixture.record("http-429", 1).put("queue", "small").encode());
    post("/api/jobs", JobsFixture.record("http-429", 2).put("queue", "small").encode());

    HttpResponse<Buffer> refused = post("/api/jobs", JobsFixture.record("http-429", 3).put("queue", "small").encode());

    assertError(refused, 429, "too_many_requests", "is full");
    assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isPositive();
    jobs.handlers().open("http-429");
  }

  @Test
  void listFiltersByQueueAndStateAndPages() {
    for (int i = 0; i < 3; i++) {
      jobs.awaitFinal(post("/api/jobs", JobsFixture.record("list", i).put("queue", "sjf").encode())
          .bodyAsJsonObject().getString("id"));
    }
    JsonObject page = get("/api/jobs?queue=sjf&state=succeeded&limit=2&offset=0").bodyAsJsonObject();

    assertThat(page.getInteger("total")).isGreaterThanOrEqualTo(3);
    assertThat(page.getJsonArray("jobs")).hasSize(2).allSatisfy(j -> {
      assertThat(((JsonObject) j).getString("queue")).isEqualTo("sjf");
      assertThat(((JsonObject) j).getString("state")).isEqualTo("succeeded");
    });
    assertError(get("/api/jobs?state=finished"), 400, "bad_request", "state:");
  }

  @Test
  void queuesShowTheModelOfEachQueue() {
    jobs.awaitFinal(post("/api/jobs", "{\"type\":\"echo\"}").bodyAsJsonObject().getString("id"));

    JsonArray queues = get("/api/queues").bodyAsJsonObject().getJsonArray("queues");

    JsonObject dflt = queues.stream().map(JsonObject.class::cast).filter(q -> q.getString("name").equals("default"))
        .findFirst().orElseThrow();
    assertThat(dflt.fieldNames()).contains("length", "arrivalRate", "completionRate", "serviceRate", "utilisation",
        "meanWaitMs", "predictedWaitMs", "poolLimit", "policy");
    assertThat(dflt.getDouble("arrivalRate")).isPositive();
  }

  @Test
  void eventsStreamFromTheCurrentStateToTheFinalOne() {
    // Long enough that progress is still to come once the stream is open, even on a loaded machine.
    String id = post("/api/jobs", "{\"type\":\"sleep\",\"payload\":{\"ms\":1500,\"steps\":5}}").bodyAsJsonObject()
        .getString("id");
    HttpClient client = jobs.node().vertx().createHttpClient();
    try {
      StringBuffer stream = new StringBuffer();
      boolean[] ended = {false};
      Await.result(client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
              .setPort(jobs.node().port()).setURI("/api/jobs/" + id + "/events"))
          .compose(r -> r.send()).map(r -> r.handler(b -> stream.append(b.toString())).endHandler(v -> ended[0] = true)));

      Poll.until("the stream to end", Duration.ofSeconds(10), () -> ended[0]);
      assertThat(stream.toString()).contains("event: progress").contains("event: succeeded")
          .contains("\"sleptMs\":1500");
    } finally {
      Await.result(client.close());
    }
  }

  @Test
  void finishedJobIsPostedToItsWebhookSigned() {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    List<MultiMap> headers = new CopyOnWriteArrayList<>();
    HttpServer receiver = Await.result(jobs.node().vertx().createHttpServer().requestHandler(req -> req.body()
        .onSuccess(body -> {
          boolean valid = WebhookSignature.verify(SECRET, req.getHeader(WebhookSignature.SIGNATURE_HEADER),
              body.getBytes(), System.currentTimeMillis() / 1000, 300);
          received.add(body.toJsonObject().put("_valid", valid));
          headers.add(req.headers());
          req.response().setStatusCode(received.size() == 1 ? 500 : 204).end();
        })).listen(0, "127.0.0.1"));
    try {
      String url = "http://127.0.0.1:" + receiver.actualPort() + "/hooks/jobs";
      String id = post("/api/jobs", new JsonObject().put("type", "echo").put("payload", "hooked").put("webhook", url)
          .encode()).bodyAsJsonObject().getString("id");

      Poll.until("the webhook to be retried after a 500 and delivered", Duration.ofSeconds(10),
          () -> received.size() == 2);
      assertThat(received).allSatisfy(body -> {
        assertThat(body.getBoolean("_valid")).as("signature verifies").isTrue();
        assertThat(body.getString("id")).isEqualTo(id);
        assertThat(body.getString("state")).isEqualTo("succeeded");
        assertThat(body.getString("result")).isEqualTo("hooked");
      });
      assertThat(headers.get(0).get(WebhookSignature.EVENT_HEADER)).isEqualTo("job.succeeded");
      assertThat(headers.get(1).get(WebhookSignature.DELIVERY_HEADER))
          .isEqualTo(headers.get(0).get(WebhookSignature.DELIVERY_HEADER));
    } finally {
      Await.result(receiver.close());
    }
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code, String message) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject body = new JsonObject(response.bodyAsString(StandardCharsets.UTF_8.name()));
    assertThat(body.getString("error")).isEqualTo(code);
    assertThat(body.getString("message")).contains(message);
  }
}
