package io.busbar.testsupport;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import io.busbar.app.BusbarLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Real Busbar nodes clustered over Hazelcast in the test JVM, on loopback, with a cluster name and a port range of
 * their own, so that test classes never meet.
 */
public final class TestCluster implements AutoCloseable {

  private static final int MAX_NODES = 6;

  private final String name = "busbar-test-" + UUID.randomUUID();
  private final int portBase = 20_000 + ThreadLocalRandom.current().nextInt(800) * 25;
  private final List<TestNode> nodes = new ArrayList<>();

  /** A Vert.x instance that joins this cluster. */
  public Vertx newVertx() {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.getNetworkConfig().setPort(portBase).setPortAutoIncrement(true).setPortCount(MAX_NODES);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(IntStream.range(0, MAX_NODES)
        .mapToObj(i -> "127.0.0.1:" + (portBase + i)).toList()));
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(new ArrayList<>(List.of("127.0.0.1")));
    config.addMapConfig(new MapConfig("busbar.*").setBackupCount(1));
    return Await.result(Vertx.builder()
        .with(new VertxOptions()
            .setMetricsOptions(new MicrometerMetricsOptions(BusbarLauncher.defaultMetricsOptions()))
            .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered());
  }

  /** Starts a node that joins the cluster, with the test configuration and {@code overrides}. */
  public TestNode join(JsonObject overrides) {
    return join(overrides, vertx -> { });
  }

  /** Like {@link #join(JsonObject)}, calling {@code prepare} on the joined Vert.x before Busbar deploys. */
  public TestNode join(JsonObject overrides, Consumer<Vertx> prepare) {
    Vertx vertx = newVertx();
    prepare.accept(vertx);
    TestNode node = TestNode.startOn(vertx, overrides);
    nodes.add(node);
    return node;
  }

  /** Stops a node the way SIGTERM does (undeploys, then leaves the cluster). */
  public void leave(TestNode node) {
    nodes.remove(node);
    node.close();
  }

  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    nodes.clear();
  }
}
