package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.config.ConfigException;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.TestCertificates;
import io.busbar.testsupport.TestNode;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS on the gateway's port with certificates made at test time: HTTPS and the bridge over WSS from PEM files and
 * from a PKCS#12 file, plain HTTP refused on that port, and bad settings stopping start-up with the key named.
 */
class TlsTest {

  private static final String PASSWORD = "p12-test-password";

  @RegisterExtension
  static final TestCertificates certs = new TestCertificates(PASSWORD);
  private static final Path pkcs12 = certs.pkcs12Path();
  @TempDir
  static Path dir;

  private static JsonObject pem() {
    return new JsonObject().put("enabled", true).put("certPath", certs.certPath()).put("keyPath", certs.keyPath());
  }

  private static JsonObject pkcs12(String password) {
    return new JsonObject().put("enabled", true).put("pkcs12Path", pkcs12.toString()).put("password", password);
  }

  private static TestNode start(JsonObject tls) {
    return TestNode.start(new JsonObject().put("http", new JsonObject().put("tls", tls)));
  }

  /** GET {@code /health} over HTTPS, trusting only the test certificate and verifying the host name. */
  private static HttpResponse<Buffer> httpsHealth(TestNode node) {
    WebClient https = WebClient.create(node.vertx(), new WebClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(certs.trustOptions()).setDefaultHost(TestCertificates.HOST).setDefaultPort(node.port()));
    try {
      return Await.result(https.get("/health").send());
    } finally {
      https.close();
    }
  }

  private static BridgeClient wss(TestNode node) {
    return BridgeClient.connect(node.vertx(), new WebSocketClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(certs.trustOptions()), new WebSocketConnectOptions().setHost(TestCertificates.HOST)
        .setPort(node.port()).setURI("/eventbus/websocket"));
  }

  @Test
  void pemFilesServeHttpsAndTheBridgeOverWss() {
    try (TestNode node = start(pem())) {
      HttpResponse<Buffer> health = httpsHealth(node);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("UP");

      try (BridgeClient bridge = wss(node)) {
        assertThat(bridge.request("demo.echo", "over wss", "r-1").getString("body")).isEqualTo("over wss");
      }
    }
  }

  @Test
  void pkcs12FileWithItsPasswordServesHttpsAndWss() {
    try (TestNode node = start(pkcs12(PASSWORD))) {
      assertThat(httpsHealth(node).statusCode()).isEqualTo(200);

      try (BridgeClient bridge = wss(node)) {
        assertThat(bridge.request("demo.echo", "p12", "r-1").getString("body")).isEqualTo("p12");
      }
    }
  }

  @Test
  void plainHttpAndPlainWebSocketToTheTlsPortAreRefused() {
    try (TestNode node = start(pem())) {
      assertThatThrownBy(() -> Await.result(node.http().get("/health").send()))
          .as("a plain HTTP request gets no HTTP response from a TLS port").isInstanceOf(HttpClosedException.class);
      assertThatThrownBy(node::bridge).as("nor does a plain WebSocket handshake")
          .isInstanceOf(WebSocketHandshakeException.class).hasMessageContaining("closed");

      assertThat(httpsHealth(node).statusCode()).as("the port still serves TLS clients").isEqualTo(200);
    }
  }

  static Stream<Arguments> badSettings() {
    String missing = dir.resolve("missing.pem").toString();
    return Stream.of(
        Arguments.of(pem().put("certPath", missing), "http.tls.certPath: no such file"),
        Arguments.of(pem().put("keyPath", dir.toString()), "http.tls.keyPath: cannot read"),
        Arguments.of(pem().put("keyPath", certs.certPath()), "http.tls.keyPath: " + certs.certPath()
            + " is not an unencrypted PEM private key"),
        Arguments.of(pem().put("certPath", certs.keyPath()), "http.tls.certPath: " + certs.keyPath()),
        Arguments.of(pem().put("keyPath", ""), "http.tls.keyPath: required with certPath"),
        Arguments.of(pem().put("password", "x"), "http.tls.password: only used with pkcs12Path"),
        Arguments.of(pem().put("pkcs12Path", pkcs12.toString()), "http.tls.pkcs12Path: give either"),
        Arguments.of(new JsonObject().put("enabled", true), "http.tls.certPath: TLS is enabled"),
        Arguments.of(pkcs12("").put("password", ""), "http.tls.password: required with pkcs12Path"),
        Arguments.of(pkcs12("not-the-password"), "http.tls.password: does not open " + pkcs12),
        Arguments.of(pkcs12(PASSWORD).put("pkcs12Path", certs.certPath()), "http.tls.pkcs12Path: "
            + certs.certPath() + " is not a PKCS#12 file"),
        Arguments.of(pkcs12(PASSWORD).put("pkcs12Path", missing), "http.tls.pkcs12Path: no such file"),
        Arguments.of(pem().put("enabled", "yes"), "http.tls.enabled: must be true or false"),
        Arguments.of(pem().put("keyFile", "x"), "http.tls.keyFile: unknown key"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badSettings")
  void badSettingStopsStartUpNamingTheKey(JsonObject tls, String message) {
    assertThatThrownBy(() -> start(tls)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
  }

  @Test
  void settingsAreIgnoredWhileTlsIsDisabled() {
    try (TestNode node = start(new JsonObject().put("enabled", false).put("certPath", "/nowhere"))) {
      assertThat(Await.result(node.http().get("/health").send()).statusCode()).isEqualTo(200);
    }
  }
}
