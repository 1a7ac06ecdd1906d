package io.busbar.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import io.busbar.config.BusbarConfig;
import io.busbar.config.ClusterConfig;
import io.busbar.config.ConfigException;
import io.busbar.config.ConfigLoader;
import io.busbar.config.ConfigOverrides;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HazelcastSetupTest {

  private static ClusterConfig cluster(Map<String, String> env) {
    return BusbarConfig.from(ConfigOverrides.apply(ConfigLoader.embeddedDefaults(), env, Map.of())).cluster();
  }

  @Test
  void embeddedXmlJoinsOverTcpOnLoopbackFastWithVertxStructuresAndBackedUpBusbarMaps() {
    Config config = HazelcastSetup.hazelcastConfig(cluster(Map.of()));

    assertThat(config.getClusterName()).isEqualTo("busbar");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
    var join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(Integer.parseInt(config.getProperty("hazelcast.max.no.heartbeat.seconds"))).isBetween(5, 10);
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(config.getMapConfigs()).containsKeys("__vertx.haInfo", "__vertx.nodeInfo");
    var busbarMaps = config.findMapConfig("busbar.jobs");
    assertThat(busbarMaps.getBackupCount()).isEqualTo(1);
    assertThat(busbarMaps.getAsyncBackupCount()).isZero();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .as("members all on loopback: pinned to loopback").containsExactly("127.0.0.1");
    EventBusOptions eventBus = HazelcastSetup.applyTo(new EventBusOptions(), cluster(Map.of()), config);
    assertThat(eventBus.getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void clusterSettingsReplaceTheXmlsAndPortRangesAreWrittenOut() {
    ClusterConfig cluster = cluster(Map.of("BUSBAR_CLUSTER_NAME", "prod", "BUSBAR_CLUSTER_PORT", "6000",
        "BUSBAR_CLUSTER_MEMBERS", "10.0.0.5, 10.0.0.6:6000-6002", "BUSBAR_CLUSTER_PUBLIC_ADDRESS", "203.0.113.9:16000",
        "BUSBAR_CLUSTER_EVENT_BUS_PORT", "7000", "BUSBAR_CLUSTER_EVENT_BUS_PUBLIC_HOST", "203.0.113.9",
        "BUSBAR_CLUSTER_EVENT_BUS_PUBLIC_PORT", "17000"));
    Config config = HazelcastSetup.hazelcastConfig(cluster);

    assertThat(config.getClusterName()).isEqualTo("prod");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(6000);
    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("203.0.113.9:16000");
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("10.0.0.5", "10.0.0.6:6000", "10.0.0.6:6001", "10.0.0.6:6002");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).as("members on other hosts: not pinned").isFalse();
    EventBusOptions eventBus = HazelcastSetup.applyTo(new EventBusOptions(), cluster, config);
    assertThat(eventBus.getHost()).as("left to Hazelcast's choice").isEqualTo(EventBusOptions.DEFAULT_CLUSTER_HOST);
    assertThat(eventBus.getPort()).isEqualTo(7000);
    assertThat(eventBus.getClusterPublicHost()).isEqualTo("203.0.113.9");
    assertThat(eventBus.getClusterPublicPort()).isEqualTo(17000);
  }

  @Test
  void kubernetesDiscoveryReplacesTheMemberList() {
    Config config = HazelcastSetup.hazelcastConfig(cluster(Map.of("BUSBAR_CLUSTER_KUBERNETES_SERVICE_NAME", "busbar",
        "BUSBAR_CLUSTER_KUBERNETES_NAMESPACE", "jobs")));

    var join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties()).containsEntry("service-name", "busbar")
        .containsEntry("namespace", "jobs");
    assertThatThrownBy(() -> cluster(Map.of("BUSBAR_CLUSTER_KUBERNETES_SERVICE_NAME", "busbar",
        "BUSBAR_CLUSTER_MEMBERS", "10.0.0.5"))).hasMessageStartingWith("cluster.members: cannot be combined");
  }

  @Test
  void aFileOfOneselfIsReadAndMustKeepVertxStructures(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.xml");
    Files.writeString(good, Files.readString(Path.of("conf/cluster.xml")).replace("<cluster-name>busbar<", "<cluster-name>mine<"));
    assertThat(HazelcastSetup.hazelcastConfig(cluster(Map.of("BUSBAR_CLUSTER_CONFIG_FILE", good.toString())))
        .getClusterName()).isEqualTo("mine");

    Path bare = dir.resolve("bare.xml");
    Files.writeString(bare, "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\"><cluster-name>x</cluster-name>"
        + "</hazelcast>");
    assertThatThrownBy(() -> HazelcastSetup.hazelcastConfig(cluster(Map.of("BUSBAR_CLUSTER_CONFIG_FILE", bare.toString()))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith(bare + ": the Hazelcast configuration lacks")
        .hasMessageContaining("__vertx.subs").hasMessageContaining("__vertx.nodeInfo");

    Path broken = dir.resolve("broken.xml");
    Files.writeString(broken, "<hazelcast");
    assertThatThrownBy(() -> HazelcastSetup.hazelcastConfig(cluster(Map.of("BUSBAR_CLUSTER_CONFIG_FILE", broken.toString()))))
        .hasMessageStartingWith(broken + ": not a valid Hazelcast configuration");
    assertThatThrownBy(() -> HazelcastSetup.hazelcastConfig(cluster(Map.of("BUSBAR_CLUSTER_CONFIG_FILE", "/no/such.xml"))))
        .hasMessageStartingWith("/no/such.xml: cannot read the Hazelcast configuration");
  }

  @Test
  void loopbackMembersAreRecognised() {
    assertThat(HazelcastSetup.isLoopback("127.0.0.1")).isTrue();
    assertThat(HazelcastSetup.isLoopback("127.0.0.1:5701")).isTrue();
    assertThat(HazelcastSetup.isLoopback("localhost:5702")).isTrue();
    assertThat(HazelcastSetup.isLoopback("10.0.0.1")).isFalse();
  }

  @Test
  void jarEmbedsTheRepositorysClusterXml() throws Exception {
    try (var in = getClass().getClassLoader().getResourceAsStream(HazelcastSetup.EMBEDDED)) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes())).isEqualTo(Files.readString(Path.of("conf/cluster.xml")));
    }
  }

  @Test
  void badClusterValuesAreReportedWithTheirKeys() {
    assertThatThrownBy(() -> cluster(Map.of("BUSBAR_CLUSTER_PORT", "port"))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster.port: must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> cluster(Map.of("BUSBAR_CLUSTER_MEMBERS", "a:1,b:x")))
        .hasMessageStartingWith("cluster.members[1]: must be host, host:port or host:port-port, got \"b:x\"");
    assertThatThrownBy(() -> cluster(Map.of("BUSBAR_CLUSTER_MEMBERS", "a:5710-5701")))
        .hasMessageStartingWith("cluster.members[0]: a port range goes up");
    assertThatThrownBy(() -> cluster(Map.of("BUSBAR_CLUSTER_MEMBERS", "a:70000")))
        .hasMessageStartingWith("cluster.members[0]: ports go from 1 to 65535");
    assertThatThrownBy(() -> cluster(Map.of("BUSBAR_CLUSTER_NAME", "my cluster")))
        .hasMessageStartingWith("cluster.name: must be 1 to 100");
    assertThatThrownBy(() -> cluster(Map.of("BUSBAR_CLUSTER_EVENT_BUS_PUBLIC_PORT", "-1")))
        .hasMessageStartingWith("cluster.eventBus.publicPort: must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> BusbarConfig.from(ConfigLoader.embeddedDefaults().put("cluster",
        new JsonObject().put("member", "a")))).hasMessageStartingWith("cluster.member: unknown key");
  }
}
