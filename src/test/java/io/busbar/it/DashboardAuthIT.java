package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Browser;
import io.busbar.testsupport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard on a node that requires credentials ({@code auth.anonymous: false}): the page asks for them, and
 * with an API key given in its fragment it works as that key's client (the key never stays in the address bar).
 */
class DashboardAuthIT {

  private static final String KEY = "dashboard-test-key-0123456789";
  private static TestNode node;
  private static Browser browser;

  @BeforeAll
  static void start() throws IOException {
    Browser.requireChromium();
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf", "busbar.json")));
    node = TestNode.start(new JsonObject().put("bridge", defaults.getJsonObject("bridge"))
        .put("auth", new JsonObject().put("anonymous", false).put("apiKeys", new JsonArray()
            .add(new JsonObject().put("key", KEY).put("subject", "ops").put("authorities", new JsonArray())))));
    browser = Browser.open(1280, 900);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void withoutCredentialsThePageAsksForThem() {
    browser.script("sessionStorage.clear();");
    browser.get("http://127.0.0.1:" + node.port() + "/");
    browser.until("the request for credentials", () -> browser.find("#banner").isDisplayed()
        && browser.find("#banner").getText().contains("requires credentials"));
    browser.until("the page to stop connecting", () -> "closed".equals(browser.find("#conn").getAttribute("data-state")));
  }

  @Test
  void withAnApiKeyInTheFragmentThePageIsLive() {
    browser.get("http://127.0.0.1:" + node.port() + "/");
    browser.script("sessionStorage.clear();");
    browser.get("http://127.0.0.1:" + node.port() + "/#access_token=" + KEY);
    browser.errors(); // drops what the first load logged (its refused requests)
    browser.until("the bridge to connect", () -> "open".equals(browser.find("#conn").getAttribute("data-state")));
    browser.until("a snapshot", () -> {
      String value = browser.find("[data-tile=waiting]").getAttribute("data-value");
      return value != null && !value.isEmpty();
    });
    assertThat(browser.script("return location.hash;")).isEqualTo("");
    assertThat(browser.find("#banner").isDisplayed()).isFalse();
    assertThat(browser.errors()).isEmpty();
  }
}
