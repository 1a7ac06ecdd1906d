package io.busbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.config.ConfigException;
import io.busbar.config.PoolConfig;
import io.busbar.config.Role;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DescriptorTest {

  private static final Map<String, PoolConfig> POOLS = Map.of("cpu", new PoolConfig("cpu", 3, 5000));

  private static Descriptor parse(String json) {
    return Descriptor.parse("verticles/x.json", new JsonObject(json), POOLS);
  }

  @Test
  void workerTakesItsPoolFromTheConfigurationUnlessOverridden() {
    Descriptor d = parse("{\"verticle\":\"a.B\",\"instances\":2,\"threading\":\"worker\",\"pool\":{\"name\":\"cpu\"},"
        + "\"config\":{\"k\":1}}");

    assertThat(d.name()).isEqualTo("x");
    assertThat(d.threading()).isEqualTo(ThreadingModel.WORKER);
    assertThat(d.pool()).isEqualTo(new PoolConfig("cpu", 3, 5000));
    DeploymentOptions options = d.deploymentOptions(new JsonObject().put("k", 0).put("other", true));
    assertThat(options.getWorkerPoolName()).isEqualTo("cpu");
    assertThat(options.getWorkerPoolSize()).isEqualTo(3);
    assertThat(options.getInstances()).isEqualTo(2);
    assertThat(options.getConfig()).isEqualTo(new JsonObject().put("k", 1).put("other", true));

    Descriptor custom = parse("{\"verticle\":\"a.B\",\"threading\":\"worker\",\"pool\":{\"name\":\"new\",\"size\":9}}");
    assertThat(custom.pool()).isEqualTo(new PoolConfig("new", 9, 60_000));
  }

  @Test
  void eventLoopIsTheDefault() {
    Descriptor d = parse("{\"verticle\":\"a.B\"}");

    assertThat(d.threading()).isEqualTo(ThreadingModel.EVENT_LOOP);
    assertThat(d.pool()).isNull();
    assertThat(d.instances()).isEqualTo(1);
    assertThat(d.enabled()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{}                                                          | verticles/x.json.verticle: required",
      "{\"verticle\":\"a.B\",\"threading\":\"green\"}              | verticles/x.json.threading: must be one of",
      "{\"verticle\":\"a.B\",\"threading\":\"worker\"}             | verticles/x.json.pool: required for a worker",
      "{\"verticle\":\"a.B\",\"pool\":{\"name\":\"cpu\"}}          | verticles/x.json.pool: only a \"worker\"",
      "{\"verticle\":\"a.B\",\"threading\":\"worker\",\"pool\":{\"name\":\"gpu\"}} | verticles/x.json.pool.size: required: pool \"gpu\" is not declared",
      "{\"verticle\":\"a.B\",\"instances\":0}                      | verticles/x.json.instances: must be a whole number from 1",
      "{\"verticle\":\"a.B\",\"instanses\":2}                      | verticles/x.json.instanses: unknown key",
      "{\"verticle\":\"a.B\",\"roles\":[\"worker\",\"cook\"]}        | verticles/x.json.roles[1]: must be one of gateway, scheduler, worker",
      "{\"verticle\":\"a.B\",\"roles\":\"worker\"}                | verticles/x.json.roles: must be a JSON array",
  })
  void badDescriptorIsReportedWithItsFileAndKey(String json, String message) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
  }

  @Test
  void virtualThreadsNeedJava21() {
    if (Runtime.version().feature() >= 21) {
      assertThat(parse("{\"verticle\":\"a.B\",\"threading\":\"virtual-thread\"}").threading())
          .isEqualTo(ThreadingModel.VIRTUAL_THREAD);
    } else {
      assertThatThrownBy(() -> parse("{\"verticle\":\"a.B\",\"threading\":\"virtual-thread\"}"))
          .hasMessageContaining("needs a Java 21+ runtime");
    }
  }

  @Test
  void directoryIsReadInOrderWithoutDisabledOnes(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.json"), "{\"verticle\":\"a.B\",\"order\":5}");
    Files.writeString(dir.resolve("a.json"), "{\"verticle\":\"a.A\",\"order\":5}");
    Files.writeString(dir.resolve("first.json"), "{\"verticle\":\"a.F\",\"order\":1}");
    Files.writeString(dir.resolve("off.json"), "{\"verticle\":\"a.O\",\"enabled\":false}");
    Files.writeString(dir.resolve("notes.txt"), "not a descriptor");

    List<Descriptor> loaded = Descriptors.load(dir.toString(), POOLS);

    assertThat(loaded).extracting(Descriptor::name).containsExactly("first", "a", "b");
  }

  @Test
  void malformedFileAndDuplicateNamesAreRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.json"), "{\"verticle\":\"a.A\",\"name\":\"same\"}");
    Files.writeString(dir.resolve("b.json"), "{\"verticle\":\"a.B\",\"name\":\"same\"}");
    assertThatThrownBy(() -> Descriptors.load(dir.toString(), POOLS)).hasMessageContaining("b.json")
        .hasMessageContaining("duplicate descriptor name \"same\"");

    Files.writeString(dir.resolve("b.json"), "{oops");
    assertThatThrownBy(() -> Descriptors.load(dir.toString(), POOLS)).hasMessageContaining("b.json: not a JSON object");
  }

  @Test
  void embeddedDescriptorsAreUsedWhenTheDirectoryIsMissing() {
    List<Descriptor> loaded = Descriptors.load("no/such/dir", Map.of("cpu", new PoolConfig("cpu", 2, 1000),
        "io", new PoolConfig("io", 2, 1000)));

    assertThat(loaded).extracting(Descriptor::name).contains("cluster", "gateway", "demo-echo", "demo-hash", "demo-sleep",
        "demo-ticks");
    assertThat(loaded).extracting(Descriptor::name).startsWith("cluster", "gateway");
  }

  @Test
  void descriptorRunsOnNodesThatShareOneOfItsRolesOrOnEveryNodeWithoutRoles() {
    Descriptor workers = parse("{\"verticle\":\"a.B\",\"roles\":[\"worker\",\"scheduler\"]}");
    Descriptor everywhere = parse("{\"verticle\":\"a.B\"}");

    assertThat(workers.roles()).containsExactly(Role.SCHEDULER, Role.WORKER);
    assertThat(workers.runsOn(EnumSet.of(Role.WORKER))).isTrue();
    assertThat(workers.runsOn(EnumSet.of(Role.GATEWAY, Role.SCHEDULER))).isTrue();
    assertThat(workers.runsOn(EnumSet.of(Role.GATEWAY))).isFalse();
    assertThat(everywhere.roles()).isEmpty();
    assertThat(everywhere.runsOn(EnumSet.of(Role.GATEWAY))).isTrue();
  }

  @Test
  void shippedDescriptorsNameTheRolesTheyBelongTo() {
    Map<String, Descriptor> byName = new java.util.HashMap<>();
    Descriptors.load("verticles", Map.of("cpu", new PoolConfig("cpu", 2, 1000), "io", new PoolConfig("io", 2, 1000)))
        .forEach(d -> byName.put(d.name(), d));

    assertThat(byName.get("cluster").roles()).as("every node").isEmpty();
    assertThat(byName.get("gateway").roles()).containsExactly(Role.GATEWAY);
    assertThat(byName.get("stats").roles()).as("every node reports to the dashboard").isEmpty();
    assertThat(byName.get("jobs").roles()).containsExactly(Role.SCHEDULER, Role.WORKER);
    assertThat(byName.get("job-handlers").roles()).containsExactly(Role.WORKER);
    assertThat(byName.values()).filteredOn(d -> d.name().startsWith("demo-")).hasSize(4)
        .allSatisfy(d -> assertThat(d.roles()).containsExactly(Role.WORKER));
  }
}
