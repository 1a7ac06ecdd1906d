package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.busbar.testsupport.JarProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official npm client {@code @vertx/eventbus-bridge-client.js} (over SockJS, from Node) against the running
 * fat jar. The client is installed with npm into {@code target/npm-client}. Without npm the test is skipped with a
 * message, except in CI ({@code CI=true}), where a missing npm is a failure.
 */
class NpmClientIT {

  private static final Path WORK = Path.of("target", "npm-client");

  @BeforeAll
  static void installClient() throws Exception {
    boolean haveNpm = commandWorks(List.of("npm", "--version")) && commandWorks(List.of("node", "--version"));
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(haveNpm, "npm and node are not installed: skipping the official npm client check");
    }
    assertThat(haveNpm).as("npm and node are required in CI").isTrue();
    Files.createDirectories(WORK);
    for (String file : List.of("package.json", "bridge-check.js")) {
      Files.copy(Path.of("src", "test", "js", file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(WORK.resolve("node_modules/@vertx/eventbus-bridge-client.js"))) {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-package-lock")
          .directory(WORK.toFile()).redirectErrorStream(true).start();
      String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm install finished").isTrue();
      assertThat(npm.exitValue()).as("npm install: %s", out).isZero();
    }
  }

  private static boolean commandWorks(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void officialClientSendsSubscribesAndSeesRefusals() throws Exception {
    try (JarProcess jar = JarProcess.start(Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1"))) {
      int port = jar.awaitReady(Duration.ofSeconds(60));

      Process node = new ProcessBuilder("node", "bridge-check.js", "http://127.0.0.1:" + port + "/eventbus")
          .directory(WORK.toFile()).redirectErrorStream(true).start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
          .orElseThrow(() -> new AssertionError("no RESULT line from node:\n" + out));
      JsonObject result = new JsonObject(line.substring("RESULT ".length()));

      assertThat(node.exitValue()).as(out).isZero();
      assertThat(result.getJsonObject("echo").getJsonObject("body")).isEqualTo(new JsonObject().put("hello", "from node"));
      assertThat(result.getJsonObject("echo").getJsonObject("headers").getString("x-client")).isEqualTo("npm");
      assertThat(result.getJsonObject("denied").getString("failureType")).isEqualTo("access_denied");
      assertThat(result.getJsonObject("denied").getInteger("failureCode")).isEqualTo(403);
      assertThat(result.getJsonObject("tick").getLong("seq")).isPositive();
      assertThat(result.getString("refusedRegister")).isEqualTo("access_denied");
    }
  }
}
