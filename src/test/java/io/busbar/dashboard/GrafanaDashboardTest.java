package io.busbar.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.jobs.JobsClient;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code conf/grafana/busbar-dashboard.json} is importable and asks only for meters a node really exports. */
class GrafanaDashboardTest {

  private static final Pattern METRIC = Pattern.compile("\\b((?:busbar|vertx|jvm|process)_[a-z0-9_]+)\\b");

  @Test
  void everyQueryNamesAMetricThatANodeExports() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(Path.of("conf", "grafana", "busbar-dashboard.json")));
    Set<String> wanted = new TreeSet<>();
    Set<Integer> ids = new HashSet<>();
    for (Object item : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) item;
      assertThat(ids.add(panel.getInteger("id"))).as("panel ids are unique").isTrue();
      JsonObject grid = panel.getJsonObject("gridPos");
      assertThat(grid.getInteger("x") + grid.getInteger("w")).as("panel %s fits 24 columns", panel.getString("title"))
          .isLessThanOrEqualTo(24);
      for (Object t : panel.getJsonArray("targets", new JsonArray())) {
        JsonObject target = (JsonObject) t;
        assertThat(target.getJsonObject("datasource").getString("uid")).isEqualTo("${datasource}");
        Matcher m = METRIC.matcher(target.getString("expr"));
        while (m.find()) {
          wanted.add(m.group(1));
        }
      }
    }
    assertThat(dashboard.getJsonObject("templating").getJsonArray("list").stream()
        .map(v -> ((JsonObject) v).getString("name"))).contains("datasource", "instance", "queue");
    assertThat(wanted).contains("busbar_queue_length", "busbar_queue_wait_seconds_bucket", "busbar_pool_busy",
        "busbar_gateway_connections", "vertx_http_server_requests_total");

    try (TestNode node = TestNode.start(new JsonObject())) {
      // Some meters appear with their first use: a bridge frame, a refused one, a finished job.
      try (BridgeClient client = node.bridge()) {
        client.send(new JsonObject().put("type", "publish").put("address", "not.permitted"));
        assertThat(client.next().getString("body")).isEqualTo("access_denied");
      }
      JobsClient jobs = new JobsClient(node.vertx().eventBus());
      String id = Await.result(jobs.submit(new JsonObject().put("type", "noop"))).id();
      Await.result(jobs.get(id, 10_000));
      String scrape = Await.result(node.http().get("/metrics").send()).bodyAsString();
      Set<String> exported = new HashSet<>();
      for (String line : scrape.split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          exported.add(line.split("[{ ]", 2)[0]);
        }
      }
      assertThat(exported).containsAll(wanted);
    }
  }
}
