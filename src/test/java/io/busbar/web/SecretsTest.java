package io.busbar.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.busbar.config.BusbarConfig;
import io.busbar.config.ConfigException;
import io.busbar.config.ConfigLoader;
import io.busbar.jobs.webhook.WebhookSignature;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.BridgeClient;
import io.busbar.testsupport.LogCapture;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestCertificates;
import io.busbar.testsupport.TestNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Secrets never reach a log line or an error body. A node with a distinct marker in every secret setting (JWT
 * signing secret, API key, webhook secret, PKCS#12 password), every logger at DEBUG and every event captured, is
 * driven through successes and failures: bad, forged and expired tokens, an unknown API key, refused WebSocket
 * handshakes, a webhook retried after a 500; and nodes are started with bad values for each secret key.
 */
class SecretsTest {

  private static final String JWT_SECRET = "jwt-secret-MARKER-7c1e5a92d0b34f68";
  private static final String API_KEY = "api-key-MARKER-3b9f0c7e1a2d4856";
  private static final String WEBHOOK_SECRET = "webhook-secret-MARKER-9e4d2b7a";
  private static final String TLS_PASSWORD = "tls-password-MARKER-5a8c1f3e";
  /** Wrong credentials a client presents are kept out of logs too. */
  private static final String WRONG_API_KEY = "wrong-key-MARKER-0d6b2c9f81e4";
  private static final String WRONG_PASSWORD = "wrong-password-MARKER-41f7c2";
  private static final String SHORT_KEY = "short-MARKER";
  private static final String TOKEN_MARKER = "MARKER";

  @RegisterExtension
  static final TestCertificates certs = new TestCertificates(TLS_PASSWORD);
  private static final Path pkcs12 = certs.pkcs12Path();
  @TempDir
  static Path dir;

  private static JsonObject secretConfig() {
    return new JsonObject()
        .put("http", new JsonObject().put("tls", new JsonObject().put("enabled", true)
            .put("pkcs12Path", pkcs12.toString()).put("password", TLS_PASSWORD)))
        .put("auth", new JsonObject().put("anonymous", false)
            .put("jwt", new JsonObject().put("leewaySeconds", 0).put("keys", new JsonArray()
                .add(new JsonObject().put("algorithm", "HS256").put("secret", JWT_SECRET))))
            .put("apiKeys", new JsonArray().add(new JsonObject().put("key", API_KEY).put("subject", "billing"))))
        .put("jobs", new JsonObject().put("webhook", new JsonObject().put("secret", WEBHOOK_SECRET)
            .put("maxAttempts", 2).put("initialBackoffMs", 10).put("maxBackoffMs", 50)));
  }

  /** The text of a throwable with its causes and stack, as a log line would print it. */
  private static String printed(Throwable e) {
    StringWriter text = new StringWriter();
    e.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private static void assertNoMarker(String what, List<String> texts) {
    assertThat(texts).as(what).isNotEmpty().noneMatch(t -> t.contains(TOKEN_MARKER));
  }

  private static String token(JWTAuth issuer, int expiresInSeconds) {
    return issuer.generateToken(new JsonObject().put("sub", "ada")
        .put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds), new JWTOptions());
  }

  @Test
  void noSecretIsLoggedNorAnsweredWhileANodeServesAndRefusesClients() {
    List<String> bodies = new ArrayList<>();
    try (LogCapture logs = LogCapture.start(Level.DEBUG)) {
      try (TestNode node = TestNode.start(secretConfig())) {
        WebClient https = WebClient.create(node.vertx(), new WebClientOptions().setSsl(true)
            .setTrustOptions(certs.trustOptions()).setDefaultHost(TestCertificates.HOST).setDefaultPort(node.port()));
        JWTAuth issuer = JWTAuth.create(node.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
            .setAlgorithm("HS256").setBuffer(JWT_SECRET)));
        JWTAuth forger = JWTAuth.create(node.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
            .setAlgorithm("HS256").setBuffer("another-secret-that-is-not-the-node's")));

        assertThat(request(https, "X-API-Key", API_KEY, bodies).statusCode()).isEqualTo(200);
        assertThat(request(https, "Authorization", "Bearer " + token(issuer, 60), bodies).statusCode()).isEqualTo(200);
        assertThat(request(https, "X-API-Key", WRONG_API_KEY, bodies).statusCode()).isEqualTo(401);
        assertThat(request(https, "Authorization", "Bearer not.a." + TOKEN_MARKER, bodies).statusCode()).isEqualTo(401);
        assertThat(request(https, "Authorization", "Bearer " + token(forger, 60), bodies).statusCode())
            .as("bad signature").isEqualTo(401);
        assertThat(request(https, "Authorization", "Bearer " + token(issuer, -60), bodies).statusCode())
            .as("expired").isEqualTo(401);

        try (BridgeClient bridge = wss(node, "/eventbus/websocket", API_KEY)) {
          assertThat(bridge.request("demo.echo", "over wss", "r-1").getString("body")).isEqualTo("over wss");
        }
        sockJsSessionOpens(node);
        for (String uri : List.of("/eventbus/websocket", "/eventbus/000/refused/websocket")) {
          assertThatThrownBy(() -> wss(node, uri, WRONG_API_KEY)).isInstanceOfSatisfying(UpgradeRejectedException.class,
              e -> {
                assertThat(e.getStatus()).isEqualTo(401);
                bodies.add(e.getBody().toString());
              });
        }

        deliverWebhookAfterARetry(node, https);
        https.close();
      }
      List<String> lines = logs.lines();
      assertThat(lines).as("DEBUG lines are captured").anyMatch(l -> l.startsWith("DEBUG"));
      assertThat(lines).as("the node logged its start").anyMatch(l -> l.contains("listening on https://"));
      assertNoMarker("log lines", lines);
    }
    assertNoMarker("error bodies", bodies);
  }

  private static HttpResponse<Buffer> request(WebClient https, String header, String value, List<String> bodies) {
    HttpRequest<Buffer> request = https.post("/api/request/demo.echo").putHeader(header, value);
    HttpResponse<Buffer> response = Await.result(request.sendJsonObject(new JsonObject().put("n", 1)));
    if (response.statusCode() >= 400) {
      bodies.add(response.bodyAsString());
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
    }
    return response;
  }

  private static WebSocketClientOptions tlsClient() {
    return new WebSocketClientOptions().setSsl(true).setTrustOptions(certs.trustOptions());
  }

  private static WebSocketConnectOptions handshake(TestNode node, String uri, String key) {
    return new WebSocketConnectOptions().setHost(TestCertificates.HOST).setPort(node.port())
        .setURI(uri + "?access_token=" + key);
  }

  private static BridgeClient wss(TestNode node, String uri, String key) {
    return BridgeClient.connect(node.vertx(), tlsClient(), handshake(node, uri, key));
  }

  /** A SockJS session over WSS with the API key in its URL: SockJS opens it with an {@code o} frame. */
  private static void sockJsSessionOpens(TestNode node) {
    WebSocketClient client = node.vertx().createWebSocketClient(tlsClient());
    try {
      List<String> frames = new CopyOnWriteArrayList<>();
      BridgeClient.connectSockJs(client, handshake(node, "/eventbus/000/secrets/websocket", API_KEY), frames);
      Poll.until("the SockJS open frame", Duration.ofSeconds(10), () -> frames.contains("o"));
    } finally {
      Await.result(client.close());
    }
  }

  /** A job's webhook answered 500 then 204: signed with the secret both times, and retried (logged at DEBUG). */
  private static void deliverWebhookAfterARetry(TestNode node, WebClient https) {
    List<MultiMap> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = Await.result(node.vertx().createHttpServer().requestHandler(req -> req.body()
        .onSuccess(body -> {
          received.add(req.headers());
          req.response().setStatusCode(received.size() == 1 ? 500 : 204).end();
        })).listen(0, "127.0.0.1"));
    try {
      JsonObject job = new JsonObject().put("type", "echo").put("payload", "hooked")
          .put("webhook", "http://127.0.0.1:" + receiver.actualPort() + "/hooks");
      assertThat(Await.result(https.post("/api/jobs").putHeader("X-API-Key", API_KEY).sendJsonObject(job))
          .statusCode()).isEqualTo(202);
      Poll.until("the webhook to be retried and delivered", Duration.ofSeconds(10), () -> received.size() == 2);
      assertThat(received).allSatisfy(h -> assertThat(h.get(WebhookSignature.SIGNATURE_HEADER)).isNotBlank());
    } finally {
      Await.result(receiver.close());
    }
  }

  static Stream<Arguments> badSecretValues() {
    JsonObject tlsWith = new JsonObject().put("enabled", true).put("pkcs12Path", pkcs12.toString());
    return Stream.of(
        bad("auth", "apiKeys", "[{\"key\": \"" + API_KEY + "\", \"subject\"",
            "auth.apiKeys: must be a JSON array, got a string (not shown"),
        bad("auth", "apiKeys", new JsonArray().add(new JsonObject().put("key", SHORT_KEY)),
            "auth.apiKeys[0].key: required: at least 16 characters"),
        bad("auth", "apiKeys", new JsonArray().add(new JsonObject().put("key", new JsonArray().add(API_KEY))),
            "auth.apiKeys[0].key: must be a string, got an array (not shown"),
        bad("auth", "jwt", new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("algorithm", "HS256")
            .put("secret", new JsonObject().put("value", JWT_SECRET)))),
            "auth.jwt.keys[0].secret: must be a string, got an object (not shown"),
        bad("auth", "jwt", "{\"keys\": [{\"secret\": \"" + JWT_SECRET + "\"",
            "auth.jwt: must be a JSON object, got a string (not shown"),
        bad("jobs", "webhook", new JsonObject().put("secret", new JsonArray().add(WEBHOOK_SECRET)),
            "jobs.webhook.secret: must be a string"),
        bad("jobs", "webhook", "{\"secret\": \"" + WEBHOOK_SECRET + "\"",
            "jobs.webhook: must be a JSON object, got a string (not shown"),
        bad("http", "tls", tlsWith.copy().put("password", new JsonArray().add(TLS_PASSWORD)),
            "http.tls.password: must be a string, got an array (not shown"),
        bad("http", "tls", tlsWith.copy().put("password", WRONG_PASSWORD), "http.tls.password: does not open"));
  }

  /** {@code section.key} set to {@code value}, refused with a message starting with {@code message}. */
  private static Arguments bad(String section, String key, Object value, String message) {
    return Arguments.of(section, new JsonObject().put(key, value), message);
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("badSecretValues")
  void badValueOfASecretKeyIsRefusedWithoutBeingQuoted(String section, JsonObject value, String message) {
    JsonObject config = secretConfig();
    config.getJsonObject(section).mergeIn(value, true);
    try (LogCapture logs = LogCapture.start(Level.DEBUG)) {
      List<String> failures = new ArrayList<>();
      assertThatThrownBy(() -> TestNode.start(config)).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(message).satisfies(e -> failures.add(printed(e)));

      assertNoMarker("the start-up failure", failures);
      assertThat(logs.lines()).as("log lines").noneMatch(l -> l.contains(TOKEN_MARKER));
    }
  }

  @Test
  void configRecordsPrintNoSecret() {
    JsonObject json = ConfigLoader.embeddedDefaults().mergeIn(secretConfig(), true);

    assertNoMarker("BusbarConfig.toString()", List.of(BusbarConfig.from(json).toString()));
  }

  /** Writes a JSON file whose parser stops at an unquoted, name-like secret (one token for the parser). */
  private static Path malformed(String name, String prefix, String suffix) throws Exception {
    return Files.writeString(dir.resolve(name), prefix + "secretMARKER7f3a91" + suffix);
  }

  @Test
  void malformedConfigFileIsReportedWithoutQuotingIt() throws Exception {
    Path file = malformed("busbar.json", "{\"jobs\": {\"webhook\": {\"secret\": ", "}}}");
    System.setProperty("busbar.config", file.toString());
    try (LogCapture logs = LogCapture.start(Level.DEBUG)) {
      List<String> failures = new ArrayList<>();
      assertThatThrownBy(() -> TestNode.start(new JsonObject())).isInstanceOf(ConfigException.class)
          .hasMessage(file + ": cannot be read: not valid JSON (line 1, column 52)")
          .satisfies(e -> failures.add(printed(e)));

      assertNoMarker("the start-up failure", failures);
      assertThat(logs.lines()).as("log lines").noneMatch(l -> l.contains(TOKEN_MARKER));
    } finally {
      System.clearProperty("busbar.config");
    }
  }

  @Test
  void malformedJwksFileIsReportedWithoutQuotingIt() throws Exception {
    Path file = malformed("jwks.json", "{\"keys\": [{\"kty\": \"oct\", \"k\": ", "}]}");
    JsonObject config = secretConfig();
    config.getJsonObject("auth").getJsonObject("jwt").put("jwksFile", file.toString());
    try (LogCapture logs = LogCapture.start(Level.DEBUG)) {
      List<String> failures = new ArrayList<>();
      assertThatThrownBy(() -> TestNode.start(config)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("auth.jwt.jwksFile: cannot read a JWKS").hasMessageContaining("not valid JSON (line 1")
          .satisfies(e -> failures.add(printed(e)));

      assertNoMarker("the start-up failure", failures);
      assertThat(logs.lines()).as("log lines").noneMatch(l -> l.contains(TOKEN_MARKER));
    }
  }
}
