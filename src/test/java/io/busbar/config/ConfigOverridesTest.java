package io.busbar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigOverridesTest {

  private final JsonObject tree = ConfigLoader.embeddedDefaults();

  @Test
  void environmentVariableNamesFollowTheKeyPath() {
    assertThat(ConfigOverrides.envName(List.of("http", "port"))).isEqualTo("BUSBAR_HTTP_PORT");
    assertThat(ConfigOverrides.envName(List.of("bridge", "maxFrameBytes"))).isEqualTo("BUSBAR_BRIDGE_MAX_FRAME_BYTES");
    assertThat(ConfigOverrides.envName(List.of("pools", "cpu", "size"))).isEqualTo("BUSBAR_POOLS_CPU_SIZE");
  }

  @Test
  void environmentOverridesTheFileAndIsConvertedToTheKeysType() {
    JsonObject merged = ConfigOverrides.apply(tree, Map.of("BUSBAR_HTTP_PORT", "9090", "BUSBAR_POOLS_CPU_SIZE", "7"), Map.of());

    assertThat(merged.getJsonObject("http").getValue("port")).isEqualTo(9090L);
    assertThat(BusbarConfig.from(merged).pools().get("cpu").size()).isEqualTo(7);
    assertThat(tree.getJsonObject("http").getInteger("port")).as("the input is not modified").isEqualTo(8080);
  }

  @Test
  void systemPropertyWinsOverEnvironment() {
    JsonObject merged = ConfigOverrides.apply(tree, Map.of("BUSBAR_HTTP_PORT", "9090"), Map.of("busbar.http.port", "9191"));

    assertThat(BusbarConfig.from(merged).http().port()).isEqualTo(9191);
  }

  @Test
  void arraysAreGivenAsJson() {
    JsonObject merged = ConfigOverrides.apply(tree,
        Map.of("BUSBAR_BRIDGE_OUTBOUND", "[{\"addressRegex\":\"news\\\\..+\"}]"), Map.of());

    BridgeConfig bridge = BusbarConfig.from(merged).bridge();
    assertThat(bridge.outbound()).hasSize(1);
    assertThat(bridge.outbound().get(0).matches("news.today")).isTrue();
  }

  @Test
  void systemPropertiesMayAddKeys() {
    JsonObject merged = ConfigOverrides.apply(tree, Map.of(), Map.of("busbar.pools.gpu.size", "3", "java.version", "17"));

    assertThat(BusbarConfig.from(merged).pools().get("gpu").size()).isEqualTo(3);
    assertThat(merged.containsKey("java")).isFalse();
  }

  @Test
  void unknownEnvironmentVariablesAreIgnored() {
    JsonObject merged = ConfigOverrides.apply(tree, Map.of("BUSBAR_NOPE", "1", "PATH", "/bin"), Map.of());

    assertThat(merged).isEqualTo(tree);
  }

  @Test
  void aBadOverrideIsReportedUnderItsKey() {
    JsonObject merged = ConfigOverrides.apply(tree, Map.of("BUSBAR_HTTP_PORT", "eighty"), Map.of());

    assertThatThrownBy(() -> BusbarConfig.from(merged)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("http.port:").hasMessageContaining("\"eighty\"");
  }

  @Test
  void aBadJsonArrayOverrideIsReportedUnderItsKey() {
    JsonObject merged = ConfigOverrides.apply(tree, Map.of("BUSBAR_BRIDGE_INBOUND", "[oops"), Map.of());

    assertThatThrownBy(() -> BusbarConfig.from(merged)).hasMessageStartingWith("bridge.inbound:");
    assertThat(merged.getJsonObject("bridge").getValue("inbound")).isNotInstanceOf(JsonArray.class);
  }

  @Test
  void rolesAreGivenAsACommaListOrJsonAndBusbarRolesIsAnAlias() {
    assertThat(BusbarConfig.from(ConfigOverrides.apply(tree, Map.of("BUSBAR_NODE_ROLES", "worker, scheduler"), Map.of()))
        .node().roles()).containsExactly(Role.SCHEDULER, Role.WORKER);
    assertThat(BusbarConfig.from(ConfigOverrides.apply(tree, Map.of("BUSBAR_NODE_ROLES", "[\"gateway\"]"), Map.of()))
        .node().roles()).containsExactly(Role.GATEWAY);
    assertThat(BusbarConfig.from(ConfigOverrides.apply(tree, Map.of("BUSBAR_ROLES", "worker"), Map.of()))
        .node().roles()).containsExactly(Role.WORKER);
    assertThat(BusbarConfig.from(ConfigOverrides.apply(tree,
        Map.of("BUSBAR_ROLES", "worker", "BUSBAR_NODE_ROLES", "gateway"), Map.of())).node().roles())
        .as("the full name wins over the alias").containsExactly(Role.GATEWAY);
  }

  @Test
  void aBadRoleIsReportedUnderItsKey() {
    JsonObject merged = ConfigOverrides.apply(tree, Map.of("BUSBAR_ROLES", "worker,chef"), Map.of());

    assertThatThrownBy(() -> BusbarConfig.from(merged)).isInstanceOf(ConfigException.class)
        .hasMessage("node.roles[1]: must be one of gateway, scheduler, worker, got \"chef\"");
    assertThatThrownBy(() -> BusbarConfig.from(ConfigOverrides.apply(tree, Map.of("BUSBAR_ROLES", ""), Map.of())))
        .hasMessageStartingWith("node.roles[0]: must be one of");
  }
}
