package io.busbar.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.JobsFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Jobs from a WebSocket client: submit and listen on one socket, as a browser does. */
class JobsBridgeTest {

  private static JobsFixture jobs;

  @BeforeAll
  static void start() {
    JsonObject permissive = new JsonObject()
        .put("inbound", new JsonArray().add(new JsonObject().put("addressRegex", "jobs\\..+"))
            .add(new JsonObject().put("address", "demo.echo")))
        .put("outbound", new JsonArray().add(new JsonObject().put("addressRegex", "jobs\\.(events|batches|inbox)\\..+")));
    jobs = JobsFixture.start(new JsonObject().put("bridge", permissive));
  }

  @AfterAll
  static void stop() {
    jobs.close();
  }

  private static JsonObject submit(BridgeClient ws, JsonObject spec, String replyAddress) {
    JsonObject reply = ws.request("jobs.submit", spec, replyAddress);
    assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("rec");
    return reply.getJsonObject("body");
  }

  /** Frames for {@code address} until one whose event is {@code last}. */
  private static List<JsonObject> eventsUntil(BridgeClient ws, String address, String last) {
    List<JsonObject> events = new ArrayList<>();
    while (true) {
      JsonObject frame = ws.next();
      if (!address.equals(frame.getString("address"))) {
        continue;
      }
      events.add(frame.getJsonObject("body"));
      if (last.equals(frame.getJsonObject("body").getString("event"))) {
        return events;
      }
    }
  }

  @Test
  void submitThenListenForProgressAndTheResult() {
    try (BridgeClient ws = jobs.node().bridge()) {
      jobs.blockQueue("fifo", "ws-progress");
      JsonObject receipt = submit(ws, new JsonObject().put("type", "sleep").put("queue", "fifo")
          .put("payload", new JsonObject().put("ms", 200).put("steps", 4)), "s-1");
      assertThat(receipt.getString("state")).isEqualTo("queued");
      assertThat(receipt.getInteger("position")).isZero();
      ws.register(receipt.getString("eventsAddress"));

      jobs.handlers().open("ws-progress");
      List<JsonObject> events = eventsUntil(ws, receipt.getString("eventsAddress"), "succeeded");

      assertThat(events).extracting(e -> e.getString("event")).contains("running", "progress").last()
          .isEqualTo("succeeded");
      List<Double> progress = events.stream().filter(e -> e.getString("event").equals("progress"))
          .map(e -> e.getJsonObject("job").getDouble("progress")).toList();
      assertThat(progress).isSorted().allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
      JsonObject last = events.get(events.size() - 1).getJsonObject("job");
      assertThat(last.getJsonObject("result").getInteger("sleptMs")).isEqualTo(200);
      // An event tells where the job stands, not what it was submitted with: GET /api/jobs/{id} has that.
      assertThat(last.getString("id")).isEqualTo(receipt.getString("id"));
      assertThat(last.getString("state")).isEqualTo("succeeded");
      assertThat(last.getInteger("attempts")).isOne();
      assertThat(last.getLong("finishedAt")).isGreaterThanOrEqualTo(last.getLong("startedAt")).isPositive();
      assertThat(events).allSatisfy(e -> assertThat(e.getJsonObject("job").fieldNames())
          .doesNotContain("payload", "timeoutMs", "maxAttempts", "eventsAddress", "lease"));
    }
  }

  @Test
  void eventsOfManyJobsCanGoToOneInbox() {
    try (BridgeClient ws = jobs.node().bridge().register("jobs.inbox.client-7")) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(submit(ws, new JsonObject().put("type", "echo").put("payload", i).put("notify", "jobs.inbox.client-7"),
            "i-" + i).getString("id"));
      }
      List<String> succeeded = new ArrayList<>();
      while (succeeded.size() < 5) {
        JsonObject frame = ws.next();
        JsonObject body = frame.getJsonObject("body");
        if ("jobs.inbox.client-7".equals(frame.getString("address")) && "succeeded".equals(body.getString("event"))) {
          succeeded.add(body.getJsonObject("job").getString("id"));
        }
      }
      assertThat(succeeded).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void batchStreamsEachJobAsItCompletesThenGathersAllInOrder() {
    try (BridgeClient ws = jobs.node().bridge()) {
      JsonArray specs = new JsonArray()
          .add(new JsonObject().put("type", "sleep").put("payload", new JsonObject().put("ms", 150)))
          .add(new JsonObject().put("type", "echo").put("payload", "second"))
          .add(new JsonObject().put("type", "fail").put("payload", new JsonObject().put("message", "third fails")));
      JsonObject reply = ws.request("jobs.batch", new JsonObject().put("jobs", specs), "b-1").getJsonObject("body");
      String address = reply.getString("eventsAddress");
      assertThat(reply.getJsonArray("jobs")).hasSize(3);
      ws.register(address);

      List<JsonObject> events = eventsUntil(ws, address, "gathered");

      JsonObject gathered = events.get(events.size() - 1);
      assertThat(gathered.getJsonArray("jobs").stream().map(j -> ((JsonObject) j).getString("state")).toList())
          .containsExactly("succeeded", "succeeded", "dead_lettered");
      assertThat(gathered.getJsonArray("jobs").getJsonObject(1).getString("result")).isEqualTo("second");
      List<JsonObject> completed = events.stream().filter(e -> e.getString("event").equals("completed")).toList();
      assertThat(completed).as("completed events seen after registering").isNotEmpty()
          .allSatisfy(e -> assertThat(e.getInteger("index")).isBetween(0, 2));
    }
  }

  @Test
  void aClientThatComesBackGetsTheResultByRegisteringAgain() {
    String id;
    String address;
    try (BridgeClient first = jobs.node().bridge()) {
      JsonObject receipt = submit(first, new JsonObject().put("type", "echo").put("payload", "kept for you"), "r-1");
      id = receipt.getString("id");
      address = receipt.getString("eventsAddress");
    }
    jobs.awaitFinal(id);

    try (BridgeClient back = jobs.node().bridge()) {
      back.send(new JsonObject().put("type", "register").put("address", address));
      List<JsonObject> events = eventsUntil(back, address, "succeeded");

      assertThat(events.get(events.size() - 1).getJsonObject("job").getString("result")).isEqualTo("kept for you");
      JsonObject polled = back.request("jobs.get", new JsonObject().put("id", id), "g-1").getJsonObject("body");
      assertThat(polled.getString("state")).isEqualTo("succeeded");
    }
  }

  @Test
  void longPollOverTheBridgeAnswersWhenTheJobEnds() {
    try (BridgeClient ws = jobs.node().bridge()) {
      String id = submit(ws, new JsonObject().put("type", "sleep").put("payload", new JsonObject().put("ms", 200)),
          "lp-1").getString("id");

      JsonObject job = ws.request("jobs.get", new JsonObject().put("id", id).put("waitMs", 10_000), "lp-2")
          .getJsonObject("body");

      assertThat(job.getString("state")).isEqualTo("succeeded");
    }
  }

  @Test
  void invalidSubmissionOverTheBridgeIsAnErrWithTheField() {
    try (BridgeClient ws = jobs.node().bridge()) {
      JsonObject err = ws.request("jobs.submit", new JsonObject().put("type", "echo").put("maxAttempts", -1), "x-1");

      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getInteger("failureCode")).isEqualTo(400);
      assertThat(err.getString("message")).startsWith("maxAttempts:");
    }
  }
}
