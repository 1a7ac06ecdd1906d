package io.busbar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.config.ConfigException;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.TestNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up: descriptors deployed as described, and bad configuration or descriptors failing it by name. */
class MainVerticleTest {

  private Vertx vertx = TestNode.newVertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private Throwable startFailure(JsonObject overrides) {
    JsonObject config = TestNode.testConfig().mergeIn(overrides, true);
    return Await.result(vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config))
        .map(id -> (Throwable) null).otherwise(e -> e));
  }

  @Test
  void workerDescriptorRunsItsHandlerOnTheNamedPool(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("w.json"), "{\"verticle\":\"io.busbar.testsupport.ThreadReportingVerticle\","
        + "\"threading\":\"worker\",\"pool\":{\"name\":\"test-pool\",\"size\":2},\"config\":{\"name\":\"w\"}}");
    Files.writeString(dir.resolve("e.json"), "{\"verticle\":\"io.busbar.testsupport.ThreadReportingVerticle\","
        + "\"config\":{\"name\":\"e\"}}");
    JsonObject config = TestNode.testConfig().put("deploy", new JsonObject().put("dir", dir.toString()));
    Await.result(vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)));

    JsonObject worker = Await.result(vertx.eventBus().<JsonObject>request("test.thread.w", null)).body();
    JsonObject eventLoop = Await.result(vertx.eventBus().<JsonObject>request("test.thread.e", null)).body();

    assertThat(worker.getString("thread")).startsWith("test-pool-");
    assertThat(worker.getBoolean("worker")).isTrue();
    assertThat(eventLoop.getString("thread")).startsWith("vert.x-eventloop-thread-");
    assertThat(eventLoop.getBoolean("eventLoop")).isTrue();
    JsonObject status = Await.result(vertx.eventBus().<JsonObject>request("__busbar.node.status", null)).body();
    assertThat(status.getBoolean("ready")).isTrue();
    assertThat(status.getJsonArray("deployments")).hasSize(2);
  }

  @Test
  void nodeDeploysOnlyTheDescriptorsOfItsRolesAndThoseWithoutRoles(@TempDir Path dir) throws Exception {
    for (String[] d : new String[][] {{"g", "[\"gateway\"]"}, {"w", "[\"worker\",\"scheduler\"]"}, {"all", "[]"}}) {
      Files.writeString(dir.resolve(d[0] + ".json"), "{\"verticle\":\"io.busbar.testsupport.ThreadReportingVerticle\","
          + "\"roles\":" + d[1] + ",\"config\":{\"name\":\"" + d[0] + "\"}}");
    }
    JsonObject config = TestNode.testConfig().put("deploy", new JsonObject().put("dir", dir.toString()))
        .put("node", new JsonObject().put("name", "w-1").put("roles", "worker"));
    Await.result(vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)));

    assertThat(Await.result(vertx.eventBus().request("test.thread.w", null)).body()).isNotNull();
    assertThat(Await.result(vertx.eventBus().request("test.thread.all", null)).body()).isNotNull();
    assertThatThrownBy(() -> Await.result(vertx.eventBus().request("test.thread.g", null)))
        .hasMessageContaining("No handlers");
    JsonObject status = Await.result(vertx.eventBus().<JsonObject>request("__busbar.node.status", null)).body();
    assertThat(status.getJsonArray("deployments")).extracting(d -> ((JsonObject) d).getString("name"))
        .containsExactly("all", "w");
    assertThat(status.getJsonArray("skipped")).containsExactly("g");
    assertThat(status.getJsonObject("node")).isEqualTo(new JsonObject().put("name", "w-1")
        .put("roles", new io.vertx.core.json.JsonArray().add("worker")));
  }

  @Test
  void badConfigurationValueFailsStartNamingTheKey() {
    Throwable failure = startFailure(new JsonObject().put("bridge", new JsonObject().put("maxFrameBytes", "huge")));

    assertThat(failure).isInstanceOf(ConfigException.class).hasMessageStartingWith("bridge.maxFrameBytes:");
  }

  @Test
  void descriptorThatFailsToDeployFailsStartNamingIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("broken.json"), "{\"verticle\":\"com.example.Missing\"}");

    Throwable failure = startFailure(new JsonObject().put("deploy", new JsonObject().put("dir", dir.toString())));

    assertThat(failure).hasMessageContaining("broken.json").hasMessageContaining("\"broken\"")
        .hasMessageContaining("com.example.Missing");
  }

  @Test
  void verticleWhoseStartFailsFailsStartNamingIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad-port.json"), "{\"verticle\":\"io.busbar.web.GatewayVerticle\","
        + "\"config\":{\"http\":{\"port\":-1}}}");

    Throwable failure = startFailure(new JsonObject().put("deploy", new JsonObject().put("dir", dir.toString())));

    assertThat(failure).hasMessageContaining("bad-port.json").hasMessageContaining("http.port");
  }

  @Test
  void nodeIsNotReadyBeforeEveryDescriptorIsDeployed() {
    assertThatThrownBy(() -> Await.result(vertx.eventBus().request("__busbar.node.status", null)))
        .hasMessageContaining("No handlers");
  }
}
