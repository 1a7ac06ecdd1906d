package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.JarProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as users run it: {@code java -jar target/busbar.jar}. */
class FatJarIT {

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
  void startsOnItsDefaultsAndServesReadinessTheBusAndMetrics() {
    try (JarProcess jar = JarProcess.start(Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1"))) {
      int port = jar.awaitReady(Duration.ofSeconds(60));

      HttpResponse<Buffer> ready = Await.result(http.get(port, "127.0.0.1", "/ready").send());
      assertThat(ready.statusCode()).as(jar.output()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getJsonArray("deployments")).hasSize(9);
      HttpResponse<Buffer> dashboard = Await.result(http.get(port, "127.0.0.1", "/js/app.js").send());
      assertThat(dashboard.statusCode()).as("the dashboard's files come from the jar").isEqualTo(200);

      HttpResponse<Buffer> hash = Await.result(http.post(port, "127.0.0.1", "/api/request/demo.hash")
          .sendJsonObject(new JsonObject().put("data", "busbar").put("iterations", 10)));
      assertThat(hash.bodyAsJsonObject().getString("hash")).hasSize(64);

      try (BridgeClient ws = BridgeClient.connect(vertx, port)) {
        assertThat(ws.request("demo.echo", "over the jar", "r-1").getString("body")).isEqualTo("over the jar");
        assertThat(ws.binaryFrames()).isZero();
      }

      String metrics = Await.result(http.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
      assertThat(metrics).containsPattern("vertx_pool_in_use\\{[^}]*pool_name=\"cpu\"")
          .contains("busbar_gateway_connections", "jvm_memory_used_bytes");
    }
  }

  @Test
  void sigtermStopsTheNodeCleanly() {
    JarProcess jar = JarProcess.start(Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1"));
    jar.awaitReady(Duration.ofSeconds(60));

    jar.close();

    assertThat(jar.isAlive()).isFalse();
  }

  @Test
  void badConfigurationValueStopsStartUpNamingTheKey() {
    try (JarProcess jar = JarProcess.start(Map.of("BUSBAR_HTTP_PORT", "eighty"))) {
      int exit = jar.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isNotZero();
      assertThat(jar.output()).contains("http.port: must be a whole number from 0 to 65535, got \"eighty\"");
    }
  }

  @Test
  void descriptorThatFailsToDeployStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mine.json"), "{\"verticle\":\"com.example.NotThere\"}");

    try (JarProcess jar = JarProcess.start(Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_DEPLOY_DIR", dir.toString()))) {
      int exit = jar.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isNotZero();
      assertThat(jar.output()).contains("mine.json").contains("com.example.NotThere");
    }
  }
}
