package io.busbar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BusbarConfigTest {

  @Test
  void embeddedDefaultsAreValid() {
    BusbarConfig config = BusbarConfig.from(ConfigLoader.embeddedDefaults());

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.pools()).containsKeys("cpu", "io");
    assertThat(config.bridge().outbound()).extracting(AddressRule::toString).contains("demo.ticks");
    assertThat(config.deployDir()).isEqualTo("verticles");
  }

  @Test
  void embeddedDefaultsAreTheRepositorysConfFile() throws Exception {
    JsonObject file = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("conf/busbar.json")));

    assertThat(ConfigLoader.embeddedDefaults()).isEqualTo(file);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "http.port                 | 70000     | http.port: must be a whole number from 0 to 65535",
      "http.port                 | \"x\"     | http.port: must be a whole number",
      "http.host                 | \"\"      | http.host: must be a non-empty string",
      "http.prot                 | 80        | http.prot: unknown key",
      "bridge.maxFrameBytes      | 10        | bridge.maxFrameBytes: must be a whole number from 256",
      "bridge.inbound            | {}        | bridge.inbound: must be a JSON array",
      "bridge.inbound            | [5]       | bridge.inbound[0]: must be an object",
      "bridge.inbound            | [{\"addressRegex\":\"(\"}] | bridge.inbound[0].addressRegex: not a valid regular expression",
      "bridge.outbound           | [{\"address\":\"a\",\"addressRegex\":\"b\"}] | bridge.outbound[0].address: give exactly one",
      "api.defaultTimeoutMs      | 999999999 | api.defaultTimeoutMs: must be a whole number from 1 to 300000",
      "pools.cpu.size            | 0         | pools.cpu.size: must be a whole number from 1",
      "pools.cpu                 | 3         | pools.cpu: must be a JSON object",
      "deploy.dir                | 3         | deploy.dir: must be a non-empty string",
      "node.name                 | \"a b\"   | node.name: must be 1 to 100 letters",
      "node.roles                | []        | node.roles: must name at least one of gateway, scheduler, worker",
      "node.roles                | [\"GPU\"] | node.roles[0]: must be one of gateway, scheduler, worker, got \"GPU\"",
      "node.role                 | []        | node.role: unknown key",
  })
  void badValueIsReportedWithItsKey(String key, String json, String message) {
    JsonObject config = ConfigLoader.embeddedDefaults();
    String[] path = key.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < path.length - 1; i++) {
      node = node.getJsonObject(path[i]);
    }
    node.put(path[path.length - 1], new JsonArray("[" + json + "]").getValue(0));

    assertThatThrownBy(() -> BusbarConfig.from(config)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aNodeHasEveryRoleAndAUniqueReadableNameByDefault() {
    NodeConfig node = BusbarConfig.from(ConfigLoader.embeddedDefaults()).node();

    assertThat(node.roles()).containsExactly(Role.GATEWAY, Role.SCHEDULER, Role.WORKER);
    assertThat(node.name()).isEqualTo(NodeConfig.DEFAULT_NAME).endsWith("-" + ProcessHandle.current().pid());
    assertThat(node.rolesJson()).isEqualTo(new JsonArray().add("gateway").add("scheduler").add("worker"));
    JsonObject named = ConfigLoader.embeddedDefaults();
    named.getJsonObject("node").put("name", "edge-1");
    assertThat(BusbarConfig.from(named).node().name()).isEqualTo("edge-1");
  }

  @Test
  void unknownTopLevelSectionsAreLeftForUserVerticles() {
    JsonObject config = ConfigLoader.embeddedDefaults().put("myapp", new JsonObject().put("anything", 1));

    assertThat(BusbarConfig.from(config).http().port()).isEqualTo(8080);
  }
}
