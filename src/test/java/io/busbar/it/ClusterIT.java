package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.JarProcess;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters of real fat jars ({@code java -jar busbar.jar -cluster}) on loopback, each test class with a cluster name
 * and Hazelcast ports of its own. Four nodes form a cluster; two are killed with SIGKILL at the same moment; the
 * survivors must serve requests again within a bound (no route left to the dead), and a killed node that comes
 * back must be reached again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final Duration START = Duration.ofSeconds(90);
  /** From the kill to requests served again: Hazelcast's detection (at most 6 s) and the repair, with margin. */
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  private static final TestCluster CLUSTER = TestCluster.create("it");
  private static final JarProcess[] NODES = new JarProcess[4];
  private static final int[] PORTS = new int[4];
  private static String deployDir;
  private static Vertx vertx;
  private static WebClient http;

  @BeforeAll
  static void start(@TempDir Path descriptors) throws IOException {
    // The cluster service, the gateway and one demo service: all these tests need, so that nodes start fast.
    for (String name : List.of("cluster.json", "gateway.json", "demo-echo.json")) {
      Files.copy(Path.of("verticles", name), descriptors.resolve(name));
    }
    deployDir = descriptors.toString();
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    for (int i = 0; i < NODES.length; i++) {
      NODES[i] = startNode(i);
    }
    for (int i = 0; i < NODES.length; i++) {
      PORTS[i] = NODES[i].awaitReady(START);
    }
  }

  @AfterAll
  static void stop() {
    for (JarProcess node : NODES) {
      if (node != null) {
        node.close();
      }
    }
    Await.result(vertx.close());
  }

  private static JarProcess startNode(int i) {
    Map<String, String> env = new HashMap<>(env(CLUSTER));
    env.put("BUSBAR_NODE_NAME", "n" + (i + 1));
    env.put("BUSBAR_DEPLOY_DIR", deployDir);
    return JarProcess.startLight(env, "-cluster");
  }

  static Map<String, String> env(TestCluster cluster) {
    return Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1", "BUSBAR_JOBS_STORE", "memory",
        "BUSBAR_CLUSTER_NAME", cluster.name(), "BUSBAR_CLUSTER_PORT", String.valueOf(cluster.portBase()),
        "BUSBAR_CLUSTER_MEMBERS", "127.0.0.1:" + cluster.portBase() + "-" + (cluster.portBase() + 9),
        "BUSBAR_BRIDGE_INBOUND", "[{\"addressRegex\":\"demo\\\\..+\"},{\"address\":\"busbar.cluster.ping\"}]");
  }

  private static JsonObject cluster(int node) {
    return Await.result(http.get(PORTS[node], "127.0.0.1", "/api/cluster").send()).bodyAsJsonObject();
  }

  private static int echo(int node, int timeoutMs) {
    return Await.result(http.post(PORTS[node], "127.0.0.1", "/api/request/demo.echo?timeout=" + timeoutMs)
        .sendJsonObject(new JsonObject().put("hi", node))).statusCode();
  }

  @Test
  @Order(1)
  void fourNodesFormOneClusterAndTheirMetricsCarryTheirNames() {
    Poll.until("four members in n1's view", START, () -> cluster(0).getInteger("members") == 4);
    JsonArray nodes = cluster(0).getJsonArray("nodes");
    assertThat(nodes).extracting(n -> ((JsonObject) n).getString("name")).containsExactly("n1", "n2", "n3", "n4");
    assertThat(nodes).allSatisfy(n -> assertThat(((JsonObject) n).getString("gateway")).startsWith("http://127.0.0.1:"));

    String metrics = Await.result(http.get(PORTS[1], "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(metrics).contains("busbar_cluster_members{node=\"n2\"} 4.0")
        .contains("jvm_memory_used_bytes{area=\"heap\",id=")
        .containsPattern("vertx_http_server_requests_total\\{[^}]*node=\"n2\"");
  }

  @Test
  @Order(2)
  void survivorsServeAgainSoonAfterTwoNodesAreKilledAtOnce() {
    Poll.until("n1 reaches demo.echo", START, () -> echo(0, 2_000) == 200);
    long killed = System.nanoTime();

    JarProcess.killAll(NODES[2], NODES[3]);

    List<String> seen = new CopyOnWriteArrayList<>();
    int[] inARow = {0};
    Poll.until("20 requests in a row from n1 and n2 served after the kill (seen: " + seen + ")", RECOVERY, () -> {
      int status = echo(inARow[0] % 2, 1_000);
      seen.add(String.valueOf(status));
      inARow[0] = status == 200 ? inARow[0] + 1 : 0;
      return inARow[0] >= 20;
    });
    long recoveredMs = (System.nanoTime() - killed) / 1_000_000;
    Poll.until("n1 sees two members", RECOVERY, () -> cluster(0).getInteger("members") == 2);
    assertThat(cluster(1).getJsonArray("nodes")).extracting(n -> ((JsonObject) n).getString("name"))
        .containsExactly("n1", "n2");
    System.out.printf("ClusterIT: served again %d ms after killing two of four nodes (%d requests)%n", recoveredMs,
        seen.size());
  }

  @Test
  @Order(3)
  void aKilledNodeThatComesBackIsReachedAgain() {
    NODES[2] = startNode(2);
    PORTS[2] = NODES[2].awaitReady(START);

    Poll.until("three members in n1's view", START, () -> cluster(0).getInteger("members") == 3);
    List<String> answered = new CopyOnWriteArrayList<>();
    Poll.until("n3 answering n1's pings", Duration.ofSeconds(20), () -> {
      HttpResponse<Buffer> ping = Await.result(http.post(PORTS[0], "127.0.0.1", "/api/request/busbar.cluster.ping")
          .send());
      answered.add(ping.bodyAsJsonObject().getString("name"));
      return answered.contains("n3");
    });
    assertThat(echo(2, 2_000)).isEqualTo(200);
  }

  @Test
  @Order(4)
  void aBadClusterSettingStopsStartUpNamingTheKey() {
    Map<String, String> env = new HashMap<>(env(CLUSTER));
    env.put("BUSBAR_CLUSTER_MEMBERS", "127.0.0.1:5701-x");
    try (JarProcess bad = JarProcess.start(env, "-cluster")) {
      assertThat(bad.awaitExit(START)).isNotZero();
      assertThat(bad.output()).contains("cluster.members[0]: must be host, host:port or host:port-port, got \"127.0.0.1:5701-x\"");
    }
  }
}
