package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.JarProcess;
import io.busbar.testsupport.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable store's promise: an accepted job (a 202) survives {@code kill -9} of the node; jobs that were running
 * run again, and every accepted job ends exactly once.
 */
class JobsDurabilityIT {

  private static final int JOBS = 400;
  private static Vertx vertx;
  private static WebClient http;

  @BeforeAll
  static void client() {
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void close() {
    Await.result(vertx.close());
  }

  @Test
  void everyAcceptedJobSurvivesKillDashNine(@TempDir Path data) {
    Map<String, String> env = Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1",
        "BUSBAR_JOBS_STORE", "mvstore", "BUSBAR_JOBS_DATA_DIR", data.toString());
    List<String> accepted = new ArrayList<>();
    String keyed;
    try (JarProcess node = JarProcess.start(env)) {
      int port = node.awaitReady(Duration.ofSeconds(60));
      keyed = Await.result(submit(port, new JsonObject().put("type", "sleep")
          .put("payload", new JsonObject().put("ms", 50)).put("idempotencyKey", "exactly-once")))
          .bodyAsJsonObject().getString("id");
      List<Future<HttpResponse<Buffer>>> submissions = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        submissions.add(submit(port, new JsonObject().put("type", "sleep").put("payload", new JsonObject()
            .put("ms", 20)).put("maxAttempts", 3)));
      }
      AtomicInteger answered = new AtomicInteger();
      submissions.forEach(f -> f.onComplete(ar -> {
        if (ar.succeeded() && ar.result().statusCode() == 202) {
          synchronized (accepted) {
            accepted.add(ar.result().bodyAsJsonObject().getString("id"));
          }
        }
        answered.incrementAndGet();
      }));
      Poll.until("some jobs to be accepted and to finish", Duration.ofSeconds(60),
          () -> accepted.size() > JOBS / 4 && succeeded(port) > 20);

      node.kill();
      Poll.until("the outstanding submissions to fail", Duration.ofSeconds(30), () -> answered.get() == JOBS);
    }
    List<String> snapshot;
    synchronized (accepted) {
      snapshot = List.copyOf(accepted);
    }

    try (JarProcess node = JarProcess.start(env)) {
      int port = node.awaitReady(Duration.ofSeconds(60));
      Map<String, String> outcome = new ConcurrentHashMap<>();
      for (String id : snapshot) {
        HttpResponse<Buffer> job = Await.result(http.get(port, "127.0.0.1", "/api/jobs/" + id + "?waitMs=30000").send());
        outcome.put(id, job.statusCode() == 200 ? job.bodyAsJsonObject().getString("state") : "http " + job.statusCode());
      }

      assertThat(snapshot).hasSizeGreaterThan(JOBS / 4);
      assertThat(outcome.values()).as("every accepted job, by state").containsOnly("succeeded");
      String again = Await.result(submit(port, new JsonObject().put("type", "sleep")
          .put("payload", new JsonObject().put("ms", 50)).put("idempotencyKey", "exactly-once")))
          .bodyAsJsonObject().getString("id");
      assertThat(again).isEqualTo(keyed);
      assertThat(node.output()).contains("recovered");
    }
  }

  private static Future<HttpResponse<Buffer>> submit(int port, JsonObject spec) {
    return http.post(port, "127.0.0.1", "/api/jobs").sendJsonObject(spec);
  }

  private static int succeeded(int port) {
    HttpResponse<Buffer> page = Await.result(http.get(port, "127.0.0.1", "/api/jobs?state=succeeded&limit=1").send());
    return page.bodyAsJsonObject().getInteger("total");
  }
}
