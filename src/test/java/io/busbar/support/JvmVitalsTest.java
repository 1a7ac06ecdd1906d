package io.busbar.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JvmVitalsTest {

  @Test
  void putsThisJvmsFiguresUnderTheGivenLoadKey() {
    JsonObject json = JvmVitals.putInto(new JsonObject().put("name", "n1"), "systemLoad");

    assertThat(json.getString("name")).isEqualTo("n1");
    assertThat(json.getLong("heapUsed")).isPositive();
    assertThat(json.getLong("heapMax")).isGreaterThanOrEqualTo(json.getLong("heapUsed"));
    assertThat(json.getInteger("cpus")).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(json.getInteger("threads")).isPositive();
    assertThat(json.containsKey("loadAverage")).isFalse();
    if (json.containsKey("systemLoad")) {
      assertThat(json.getDouble("systemLoad")).isNotNegative();
    }
    if (json.containsKey("processCpu")) {
      assertThat(json.getDouble("processCpu")).isBetween(0.0, 1.0);
    }
  }
}
