package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.JarProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Secrets given to the fat jar through the environment never appear in its output, whether it starts or not. */
@ExtendWith(VertxExtension.class)
class SecretsIT {

  private static final String API_KEY = "env-api-key-MARKER-6a0e3d91c2";
  private static final String JWT_SECRET = "env-jwt-secret-MARKER-b47f19";
  private static final String WEBHOOK_SECRET = "env-webhook-MARKER-2c8e55";

  @Test
  void secretsFromTheEnvironmentAreUsedAndNeverPrinted(Vertx vertx) {
    String apiKeys = new JsonArray().add(new JsonObject().put("key", API_KEY).put("subject", "billing")).encode();
    String jwtKeys = new JsonArray().add(new JsonObject().put("algorithm", "HS256").put("secret", JWT_SECRET)).encode();
    try (JarProcess jar = JarProcess.start(Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1",
        "BUSBAR_AUTH_ANONYMOUS", "false", "BUSBAR_AUTH_API_KEYS", apiKeys, "BUSBAR_AUTH_JWT_KEYS", jwtKeys,
        "BUSBAR_JOBS_WEBHOOK_SECRET", WEBHOOK_SECRET))) {
      int port = jar.awaitReady(Duration.ofSeconds(60));
      WebClient http = WebClient.create(vertx);

      assertThat(Await.result(http.post(port, "127.0.0.1", "/api/request/demo.echo").putHeader("X-API-Key", API_KEY)
          .sendJsonObject(new JsonObject())).statusCode()).isEqualTo(200);
      assertThat(Await.result(http.post(port, "127.0.0.1", "/api/request/demo.echo")
          .putHeader("X-API-Key", "wrong-" + API_KEY).sendJsonObject(new JsonObject())).statusCode()).isEqualTo(401);
      http.close();

      assertThat(jar.output()).contains("Busbar node ready").doesNotContain("MARKER");
    }
  }

  @Test
  void malformedConfigFileStopsStartUpWithoutQuotingIt(@TempDir Path dir) throws Exception {
    // Unquoted: the JSON parser stops at the secret, a name-like text it takes as one token.
    Path file = Files.writeString(dir.resolve("busbar.json"), "{\"jobs\": {\"webhook\": {\"secret\": secretMARKER}}}");
    try (JarProcess jar = JarProcess.start(Map.of("BUSBAR_CONFIG", file.toString(), "BUSBAR_HTTP_PORT", "0"))) {
      int exit = jar.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isNotZero();
      assertThat(jar.output()).contains(file + ": cannot be read: not valid JSON (line 1").doesNotContain("MARKER");
    }
  }

  @Test
  void malformedSecretInTheEnvironmentStopsStartUpNamingTheKeyButNotTheValue() {
    try (JarProcess jar = JarProcess.start(Map.of("BUSBAR_AUTH_API_KEYS", "[{\"key\": \"" + API_KEY + "\"",
        "BUSBAR_HTTP_PORT", "0"))) {
      int exit = jar.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isNotZero();
      assertThat(jar.output()).contains("auth.apiKeys: must be a JSON array, got a string (not shown")
          .doesNotContain("MARKER");
    }
  }
}
