package io.busbar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's blocking read of the configuration gives what MainVerticle's vertx-config read gives. */
class ConfigLoaderTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    System.clearProperty("busbar.config");
    System.clearProperty("busbar.http.port");
    Await.result(vertx.close());
  }

  @Test
  void blockingReadMergesTheSameLayersAsVertxConfig(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("busbar.json");
    Files.writeString(file, "{\"node\":{\"name\":\"from-file\"},\"bridge\":{\"maxInFlight\":7},"
        + "\"cluster\":{\"eventBus\":{\"port\":7000}}}");
    System.setProperty("busbar.config", file.toString());
    System.setProperty("busbar.http.port", "9191");
    JsonObject cli = new JsonObject().put("cluster", new JsonObject().put("eventBus", new JsonObject().put("host", "h")));

    JsonObject now = ConfigLoader.loadNow(cli);

    assertThat(now).isEqualTo(Await.result(ConfigLoader.load(vertx, cli)));
    BusbarConfig config = BusbarConfig.from(now);
    assertThat(config.node().name()).isEqualTo("from-file");
    assertThat(config.bridge().maxInFlight()).isEqualTo(7);
    assertThat(config.bridge().maxFrameBytes()).as("merged key by key").isEqualTo(65536);
    assertThat(config.cluster().eventBus().port()).isEqualTo(7000);
    assertThat(config.cluster().eventBus().host()).isEqualTo("h");
    assertThat(config.http().port()).isEqualTo(9191);
  }

  @Test
  void aBrokenFileIsReportedByName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("busbar.json");
    Files.writeString(file, "{oops");
    System.setProperty("busbar.config", file.toString());

    assertThatThrownBy(() -> ConfigLoader.loadNow(null)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": cannot be read");
  }
}
