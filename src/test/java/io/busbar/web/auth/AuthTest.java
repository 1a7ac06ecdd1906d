package io.busbar.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Authentication and authorisation over HTTP and WebSocket: every rule, positive and negative. */
class AuthTest {

  private static final String SECRET = "a-test-secret-of-reasonable-length";
  private static final String API_KEY = "svc-key-0123456789abcdef";
  private static TestNode node;
  private static JWTAuth issuer;

  @BeforeAll
  static void start() {
    JsonObject auth = new JsonObject().put("anonymous", false)
        .put("jwt", new JsonObject().put("issuer", "busbar-tests").put("leewaySeconds", 0)
            .put("keys", new JsonArray().add(new JsonObject().put("algorithm", "HS256").put("secret", SECRET))))
        .put("apiKeys", new JsonArray().add(new JsonObject().put("key", API_KEY).put("subject", "billing")
            .put("authorities", new JsonArray().add("orders:write"))));
    JsonObject bridge = new JsonObject()
        .put("inbound", new JsonArray().add(new JsonObject().put("address", "demo.echo"))
            .add(new JsonObject().put("address", "test.orders").put("authority", "orders:write"))
            .add(new JsonObject().put("addressRegex", "jobs\\..+")))
        .put("outbound", new JsonArray().add(new JsonObject().put("address", "test.orders")
            .put("authority", "orders:read")));
    JsonObject jobs = new JsonObject().put("store", "memory").put("queues", new JsonObject()
        .put("default", new JsonObject().put("pool", "jobs"))
        .put("vip", new JsonObject().put("pool", "jobs").put("authority", "vip")));
    node = TestNode.start(new JsonObject().put("auth", auth).put("bridge", bridge).put("jobs", jobs)
        .put("http", new JsonObject().put("allowedOrigins", new JsonArray().add("https://app.example.com"))));
    issuer = JWTAuth.create(node.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(SECRET)));
    Await.result(node.vertx().eventBus().consumer("test.orders", m -> m.reply(new JsonObject()
        .put("by", m.headers().get("busbar-subject")).put("forged", m.headers().get("busbar-forged")))).completion());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String token(String subject, List<String> permissions, int expiresInSeconds) {
    return issuer.generateToken(new JsonObject().put("sub", subject).put("permissions", new JsonArray(permissions))
        .put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds), new JWTOptions().setIssuer("busbar-tests"));
  }

  private static HttpResponse<Buffer> post(String uri, String authHeader, String value, JsonObject body) {
    HttpRequest<Buffer> request = node.http().post(uri);
    if (authHeader != null) {
      request.putHeader(authHeader, value);
    }
    return Await.result(request.sendJsonObject(body));
  }

  @Test
  void httpNeedsValidCredentials() {
    assertThat(post("/api/request/demo.echo", null, null, new JsonObject()).statusCode()).isEqualTo(401);
    assertThat(post("/api/request/demo.echo", "Authorization", "Bearer not.a.jwt", new JsonObject()).statusCode())
        .isEqualTo(401);
    String forged = JWTAuth.create(node.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer("some-other-secret-entirely-different"))).generateToken(
        new JsonObject().put("sub", "mallory"), new JWTOptions().setIssuer("busbar-tests"));
    HttpResponse<Buffer> badSignature = post("/api/request/demo.echo", "Authorization", "Bearer " + forged,
        new JsonObject());
    assertThat(badSignature.statusCode()).isEqualTo(401);
    assertThat(badSignature.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
    assertThat(post("/api/request/demo.echo", "Authorization", "Bearer " + token("ada", List.of(), -10),
        new JsonObject()).statusCode()).as("expired").isEqualTo(401);
    assertThat(post("/api/request/demo.echo", "X-API-Key", "wrong-key-0123456789", new JsonObject()).statusCode())
        .isEqualTo(401);

    assertThat(post("/api/request/demo.echo", "Authorization", "Bearer " + token("ada", List.of(), 60),
        new JsonObject().put("ok", 1)).bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", 1));
    assertThat(post("/api/request/demo.echo", "X-API-Key", API_KEY, new JsonObject().put("ok", 2)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void ruleAuthoritiesAreEnforcedAndIdentityHeadersCannotBeForged() {
    HttpResponse<Buffer> denied = post("/api/request/test.orders", "Authorization", "Bearer "
        + token("ada", List.of("orders:read"), 60), new JsonObject());
    assertThat(denied.statusCode()).isEqualTo(403);

    HttpResponse<Buffer> allowed = post("/api/request/test.orders", "X-API-Key", API_KEY, new JsonObject());
    assertThat(allowed.bodyAsJsonObject().getString("by")).isEqualTo("billing");

    WebSocketClient client = node.vertx().createWebSocketClient();
    try {
      List<JsonObject> frames = new CopyOnWriteArrayList<>();
      WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(node.port()).setURI("/eventbus/websocket?access_token=" + API_KEY)));
      ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
      ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "test.orders").put("replyAddress", "r")
          .put("headers", new JsonObject().put("busbar-subject", "root").put("busbar-forged", "yes")).encode());
      Poll.until("the reply", Duration.ofSeconds(10), () -> !frames.isEmpty());
      assertThat(frames.get(0).getJsonObject("body").getString("by")).isEqualTo("billing");
      assertThat(frames.get(0).getJsonObject("body").getString("forged")).isNull();
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "test.orders").encode());
      Poll.until("the refusal", Duration.ofSeconds(10), () -> frames.size() == 2);
      assertThat(frames.get(1).getString("body")).as("billing lacks orders:read").isEqualTo("access_denied");
    } finally {
      Await.result(client.close());
    }
  }

  @Test
  void webSocketHandshakeIsAuthenticatedAndOriginChecked() {
    WebSocketClient client = node.vertx().createWebSocketClient();
    try {
      WebSocketConnectOptions base = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port());
      assertThatThrownBy(() -> Await.result(client.connect(new WebSocketConnectOptions(base)
          .setURI("/eventbus/websocket")))).isInstanceOf(UpgradeRejectedException.class)
          .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(401));
      String good = "/eventbus/websocket?access_token=" + token("ada", List.of(), 60);
      assertThatThrownBy(() -> Await.result(client.connect(new WebSocketConnectOptions(base).setURI(good)
          .addHeader("Origin", "https://evil.example.com")))).isInstanceOf(UpgradeRejectedException.class)
          .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(403));

      WebSocket allowed = Await.result(client.connect(new WebSocketConnectOptions(base).setURI(good)
          .addHeader("Origin", "https://app.example.com")));
      assertThat(allowed.isClosed()).isFalse();
    } finally {
      Await.result(client.close());
    }
  }

  @Test
  void openSocketIsClosedWhenItsTokenExpires() {
    WebSocketClient client = node.vertx().createWebSocketClient();
    try {
      List<JsonObject> frames = new CopyOnWriteArrayList<>();
      short[] status = {0};
      WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(node.port()).setURI("/eventbus/websocket")
          .addHeader("Authorization", "Bearer " + token("brief", List.of(), 2))));
      ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
      ws.closeHandler(v -> status[0] = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());

      Poll.until("the socket to close at expiry (frames " + frames + ")", Duration.ofSeconds(10),
          () -> status[0] != 0);
      assertThat(frames).extracting(f -> f.getString("body")).contains("token_expired");
      assertThat(status[0]).isEqualTo((short) 1008);
    } finally {
      Await.result(client.close());
    }
  }

  @Test
  void queueAuthorityIsNeededToSubmitThere() {
    JsonObject vipJob = new JsonObject().put("type", "echo").put("queue", "vip");
    HttpResponse<Buffer> refused = post("/api/jobs", "Authorization", "Bearer " + token("ada", List.of(), 60), vipJob);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getString("message")).contains("needs the authority \"vip\"");

    assertThat(post("/api/jobs", "Authorization", "Bearer " + token("vera", List.of("vip"), 60), vipJob).statusCode())
        .isEqualTo(202);
    assertThat(post("/api/jobs", "Authorization", "Bearer " + token("ada", List.of(), 60),
        new JsonObject().put("type", "echo")).statusCode()).isEqualTo(202);
  }
}
