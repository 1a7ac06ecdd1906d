package io.busbar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.config.NodeConfig;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.Metrics;
import io.busbar.testsupport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A node that is not clustered is a cluster of one: {@code /api/cluster}, {@code /ready} and the view say so. */
class LocalClusterViewTest {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aNodeAloneListsItselfWithIdLocal() {
    JsonObject view = Await.result(node.http().get("/api/cluster").send()).bodyAsJsonObject();

    assertThat(view.getBoolean("clustered")).isFalse();
    assertThat(view.getString("self")).isEqualTo(ClusterView.LOCAL_ID);
    assertThat(view.getInteger("members")).isEqualTo(1);
    JsonObject self = view.getJsonArray("nodes").getJsonObject(0);
    assertThat(self.getString("id")).isEqualTo(ClusterView.LOCAL_ID);
    assertThat(self.getString("name")).isEqualTo(NodeConfig.DEFAULT_NAME);
    assertThat(self.getJsonArray("roles")).isEqualTo(new JsonArray().add("gateway").add("scheduler").add("worker"));
    assertThat(self.getString("gateway")).isEqualTo("http://localhost:" + node.port());
    assertThat(self.getBoolean("self")).isTrue();
    assertThat(self.getJsonObject("load").getLong("heapUsed")).isPositive();
  }

  @Test
  void theViewAndReadinessOfANodeAlone() {
    ClusterView view = ClusterView.of(node.vertx());
    assertThat(view.clustered()).isFalse();
    assertThat(view.active()).isTrue();
    assertThat(view.isOldest()).isTrue();
    assertThat(view.memberIds()).containsExactly(ClusterView.LOCAL_ID);
    assertThat(ClusterView.of(node.vertx())).isSameAs(view);

    JsonObject ready = Await.result(node.http().get("/ready").send()).bodyAsJsonObject();
    assertThat(ready.getBoolean("ready")).isTrue();
    assertThat(ready.getJsonObject("cluster")).isEqualTo(new JsonObject().put("clustered", false)
        .put("nodeId", ClusterView.LOCAL_ID).put("active", true).put("members", 1));
    assertThat(Metrics.value(node, "busbar_cluster_members")).isGreaterThanOrEqualTo(1);
  }
}
