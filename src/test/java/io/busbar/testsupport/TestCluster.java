package io.busbar.testsupport;

import com.hazelcast.config.Config;
import io.busbar.cluster.HazelcastSetup;
import io.busbar.config.BusbarConfig;
import io.busbar.config.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Real Busbar nodes forming a real Hazelcast cluster in the test JVM, each built the way the launcher builds one
 * ({@link HazelcastSetup} over conf/cluster.xml, with {@code cluster.*} settings): loopback only, a cluster name and
 * a block of ten Hazelcast ports of its own, so that concurrent runs never meet.
 */
public final class TestCluster implements AutoCloseable {

  private final String name;
  private final int portBase;
  private final List<TestNode> nodes = new ArrayList<>();

  private TestCluster(String name, int portBase) {
    this.name = name;
    this.portBase = portBase;
  }

  /** A cluster named after {@code label} with a random suffix, on a random block of ports below 32000. */
  public static TestCluster create(String label) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new TestCluster(label + "-" + Long.toHexString(random.nextLong() & 0xffffffL), 20_000 + random.nextInt(1_200) * 10);
  }

  /** The {@code cluster} section every node of this cluster gets. */
  public JsonObject clusterSection() {
    return new JsonObject().put("name", name).put("port", portBase)
        .put("members", "127.0.0.1:" + portBase + "-" + (portBase + 9));
  }

  /** The Hazelcast port block, for nodes started as separate processes. */
  public int portBase() {
    return portBase;
  }

  public String name() {
    return name;
  }

  /** Starts nodes with these overrides (one node each) at once, and waits until they are all deployed. */
  public List<TestNode> start(JsonObject... overrides) {
    List<Future<TestNode>> starting = new ArrayList<>();
    for (JsonObject override : overrides) {
      starting.add(startNode(override, vertx -> { }));
    }
    List<TestNode> started = new ArrayList<>();
    for (Future<TestNode> node : starting) {
      started.add(Await.result(node));
    }
    synchronized (nodes) {
      nodes.addAll(started);
    }
    return started;
  }

  /** Starts one node that joins the cluster, with the test configuration and {@code overrides}. */
  public TestNode join(JsonObject overrides) {
    return join(overrides, vertx -> { });
  }

  /** Like {@link #join(JsonObject)}, calling {@code prepare} on the joined Vert.x before Busbar deploys. */
  public TestNode join(JsonObject overrides, Consumer<Vertx> prepare) {
    TestNode node = Await.result(startNode(overrides, prepare));
    synchronized (nodes) {
      nodes.add(node);
    }
    return node;
  }

  /** Stops a node the way SIGTERM does (undeploys, then leaves the cluster). */
  public void leave(TestNode node) {
    synchronized (nodes) {
      nodes.remove(node);
    }
    node.close();
  }

  private Future<TestNode> startNode(JsonObject overrides, Consumer<Vertx> prepare) {
    JsonObject config = overrides.copy();
    JsonObject cluster = clusterSection().mergeIn(config.getJsonObject("cluster", new JsonObject()), true);
    config.put("cluster", cluster);
    ClusterConfig settings = BusbarConfig.from(TestNode.testConfig().mergeIn(config, true)).cluster();
    Config hazelcast = HazelcastSetup.hazelcastConfig(settings);
    VertxOptions options = TestNode.options();
    HazelcastSetup.applyTo(options.getEventBusOptions(), settings, hazelcast);
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered()
        .compose(vertx -> {
          prepare.accept(vertx);
          // A node that fails to start leaves the cluster before the failure is reported.
          return TestNode.deploy(vertx, config)
              .recover(failure -> vertx.close().transform(closed -> Future.failedFuture(failure)));
        });
  }

  /** Closes the nodes, newest first. */
  @Override
  public void close() {
    List<TestNode> all;
    synchronized (nodes) {
      all = new ArrayList<>(nodes);
      nodes.clear();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).close();
    }
  }
}
