package io.busbar.jobs.webhook;

import static io.busbar.jobs.webhook.TestReceiver.silent;
import static io.busbar.jobs.webhook.TestReceiver.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WebhookSenderTest {

  private static final String SECRET = "whsec_sender_test";
  private static final JsonObject BODY = new JsonObject().put("id", "job-42").put("state", "SUCCEEDED")
      .put("result", new JsonObject().put("rows", 3));

  private static Vertx vertx;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<TestReceiver> receivers = new ArrayList<>();
  private final List<WebhookSender> senders = new ArrayList<>();

  @BeforeAll
  static void startVertxAndWarmUp() throws Exception {
    vertx = Vertx.vertx();
    // the JVM's first HTTP exchange loads many classes; keep that out of the timing-sensitive tests
    TestReceiver receiver = await(TestReceiver.start(vertx, status(200)));
    WebhookSender sender = new WebhookSender(vertx, fast(1), new SimpleMeterRegistry());
    await(sender.deliver(receiver.url(), "warm.up", BODY));
    await(sender.close());
    await(receiver.close());
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeSendersAndReceivers() throws Exception {
    for (WebhookSender sender : senders) {
      sender.close().await(5, TimeUnit.SECONDS);
    }
    for (TestReceiver receiver : receivers) {
      receiver.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void deliversSignedRequestWithAllHeaders() throws Exception {
    TestReceiver receiver = receiver(status(204));

    DeliveryResult result = await(sender(fast(3)).deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result).isEqualTo(new DeliveryResult(true, 1, 204, null, result.deliveryId()));
    TestReceiver.Received req = await(receiver.request(0));
    assertThat(req.body()).isEqualTo(BODY.toBuffer().getBytes());
    assertThat(req.header("Content-Type")).isEqualTo("application/json");
    assertThat(req.header("User-Agent")).isEqualTo("busbar");
    assertThat(req.header("Busbar-Event")).isEqualTo("job.succeeded");
    assertThat(req.header("Busbar-Delivery")).isEqualTo(result.deliveryId());
    assertThat(UUID.fromString(result.deliveryId())).isNotNull();
    long now = System.currentTimeMillis() / 1000;
    assertThat(WebhookSignature.verify(SECRET, req.header("Busbar-Signature"), req.body(), now, 60)).isTrue();
    assertThat(count("deliveries", "delivered")).isEqualTo(1);
    assertThat(registry.get("busbar.webhooks.attempts").counter().count()).isEqualTo(1);
    assertThat(registry.get("busbar.webhooks.latency").tag("outcome", "delivered").timer().count()).isEqualTo(1);
  }

  @Test
  void sendsNoSignatureWithoutSecret() throws Exception {
    TestReceiver receiver = receiver(status(200));
    WebhookSender sender = track(new WebhookSender(vertx, WebhookOptions.of("", 1, 5, 20, 2_000, 4, 4), registry));

    assertThat(await(sender.deliver(receiver.url(), "job.failed", BODY)).delivered()).isTrue();
    assertThat(await(receiver.request(0)).header("Busbar-Signature")).isNull();
  }

  @Test
  void retriesOn500ThenSucceedsWithTheSameDeliveryId() throws Exception {
    TestReceiver receiver = receiver(status(200)).then(List.of(status(500)));

    DeliveryResult result = await(sender(fast(5)).deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result.delivered()).isTrue();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.lastStatus()).isEqualTo(200);
    assertThat(await(receiver.request(0)).header("Busbar-Delivery")).isEqualTo(result.deliveryId());
    assertThat(await(receiver.request(1)).header("Busbar-Delivery")).isEqualTo(result.deliveryId());
    assertThat(registry.get("busbar.webhooks.attempts").counter().count()).isEqualTo(2);
  }

  @Test
  void givesUpAtOnceOn400() throws Exception {
    TestReceiver receiver = receiver(status(400));

    DeliveryResult result = await(sender(fast(5)).deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result).isEqualTo(new DeliveryResult(false, 1, 400, "HTTP 400", result.deliveryId()));
    assertThat(receiver.count()).isEqualTo(1);
    assertThat(count("deliveries", "failed")).isEqualTo(1);
  }

  @Test
  void givesUpAfterMaxAttemptsWhenReceiverAlwaysFails() throws Exception {
    TestReceiver receiver = receiver(status(500));

    DeliveryResult result = await(sender(fast(4)).deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result).isEqualTo(new DeliveryResult(false, 4, 500, "HTTP 500", result.deliveryId()));
    assertThat(receiver.count()).isEqualTo(4);
    assertThat(count("deliveries", "failed")).isEqualTo(1);
    assertThat(registry.get("busbar.webhooks.latency").tag("outcome", "failed").timer().count()).isEqualTo(1);
  }

  @Test
  void retriesAnAttemptThatTimesOut() throws Exception {
    TestReceiver receiver = receiver(status(200)).then(List.of(silent()));
    WebhookSender sender = sender(WebhookOptions.of(SECRET, 3, 5, 20, 200, 4, 4));

    long start = System.nanoTime();
    DeliveryResult result = await(sender.deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result.delivered()).isTrue();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat((System.nanoTime() - start) / 1_000_000).as("first attempt timed out").isGreaterThanOrEqualTo(200);
    assertThat(receiver.count()).isEqualTo(2);
  }

  @Test
  void failsWithTimeoutWhenReceiverNeverAnswers() throws Exception {
    TestReceiver receiver = receiver(silent());
    WebhookSender sender = sender(WebhookOptions.of(SECRET, 2, 5, 20, 150, 4, 4));

    DeliveryResult result = await(sender.deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result).isEqualTo(new DeliveryResult(false, 2, -1, "timeout after 150 ms", result.deliveryId()));
    assertThat(receiver.count()).isEqualTo(2);
  }

  @Test
  void honoursRetryAfterOn429() throws Exception {
    TestReceiver receiver = receiver(status(200)).then(List.of(status(429, "Retry-After", "1")));
    WebhookSender sender = sender(WebhookOptions.of(SECRET, 3, 1, 5_000, 2_000, 4, 4));

    DeliveryResult result = await(sender.deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result.delivered()).isTrue();
    long gapMs = (await(receiver.request(1)).atNanos() - await(receiver.request(0)).atNanos()) / 1_000_000;
    assertThat(gapMs).isBetween(1_000L, 3_000L);
  }

  @Test
  void capsRetryAfterAtMaxBackoff() throws Exception {
    TestReceiver receiver = receiver(status(200)).then(List.of(status(503, "Retry-After", "3600")));
    WebhookSender sender = sender(WebhookOptions.of(SECRET, 3, 1, 50, 2_000, 4, 4));

    DeliveryResult result = await(sender.deliver(receiver.url(), "job.succeeded", BODY));

    assertThat(result.delivered()).isTrue();
    assertThat(result.attempts()).isEqualTo(2);
    long gapMs = (await(receiver.request(1)).atNanos() - await(receiver.request(0)).atNanos()) / 1_000_000;
    assertThat(gapMs).isBetween(50L, 1_000L);
  }

  @Test
  void retriesRefusedConnectionsThenFails() throws Exception {
    TestReceiver gone = await(TestReceiver.start(vertx, status(200)));
    String url = gone.url();
    await(gone.close());

    DeliveryResult result = await(sender(fast(3)).deliver(url, "job.succeeded", BODY));

    assertThat(result.delivered()).isFalse();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.lastStatus()).isEqualTo(-1);
    assertThat(result.lastError()).startsWith("connection failed");
    assertThat(registry.get("busbar.webhooks.attempts").counter().count()).isEqualTo(3);
  }

  @Test
  void rejectsUrlsThatAreNotHttp() {
    for (String bad : new String[] {null, "", "ftp://example.com/x", "file:///etc/passwd", "mailto:a@b.c",
        "http://", "example.com/hook", "http://exa mple.com/"}) {
      assertThatThrownBy(() -> WebhookSender.validateUrl(bad)).as(String.valueOf(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("webhook: must be an http or https URL");
    }
    assertThat(WebhookSender.validateUrl("HTTPS://example.com:8443/hook?x=1").getHost()).isEqualTo("example.com");
    Future<DeliveryResult> rejected = sender(fast(1)).deliver("ftp://example.com/x", "job.succeeded", BODY);
    assertThat(rejected.failed()).isTrue();
    assertThat(rejected.cause()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("webhook: must be an http or https URL");
    assertThat(sender(fast(1)).deliver("http://example.com/", "job succeeded", BODY).failed()).isTrue();
  }

  @Test
  void dropsTheOldestWaitingDeliveryWhenTheQueueIsFull() throws Exception {
    Promise<HttpServerRequest> held = Promise.promise();
    TestReceiver receiver = receiver(status(200)).then(List.of(held::complete));
    WebhookSender sender = sender(WebhookOptions.of(SECRET, 1, 5, 20, 5_000, 1, 1));

    Future<DeliveryResult> first = sender.deliver(receiver.url(), "job.succeeded", BODY);
    Future<DeliveryResult> second = sender.deliver(receiver.url(), "job.succeeded", BODY);
    Future<DeliveryResult> third = sender.deliver(receiver.url(), "job.succeeded", BODY);

    DeliveryResult dropped = await(second);
    assertThat(dropped).isEqualTo(new DeliveryResult(false, 0, -1, "dropped: queue full", dropped.deliveryId()));
    assertThat(count("deliveries", "dropped")).isEqualTo(1);
    await(held.future()).response().setStatusCode(200).end();
    assertThat(await(first).delivered()).isTrue();
    assertThat(await(third).delivered()).isTrue();
    assertThat(receiver.count()).isEqualTo(2);
  }

  @Test
  void closeFailsActiveDeliveries() throws Exception {
    TestReceiver receiver = receiver(silent());
    WebhookSender sender = new WebhookSender(vertx, WebhookOptions.of(SECRET, 3, 5, 20, 5_000, 4, 4), registry);

    Future<DeliveryResult> pending = sender.deliver(receiver.url(), "job.succeeded", BODY);
    await(receiver.request(0));
    await(sender.close());

    DeliveryResult result = await(pending);
    assertThat(result.delivered()).isFalse();
    assertThat(result.lastError()).isEqualTo("sender closed");
    assertThat(await(sender.deliver(receiver.url(), "job.succeeded", BODY)).lastError()).isEqualTo("sender closed");
  }

  @Test
  void completesOnTheCallersContext() throws Exception {
    TestReceiver receiver = receiver(status(200));
    WebhookSender sender = sender(fast(1));
    Promise<Boolean> sameContext = Promise.promise();
    VerticleBase caller = new VerticleBase() {
      @Override
      public Future<?> start() {
        sender.deliver(receiver.url(), "job.succeeded", BODY)
            .onComplete(ar -> sameContext.complete(Vertx.currentContext() == context));
        return Future.succeededFuture();
      }
    };

    String id = await(vertx.deployVerticle(caller));

    assertThat(await(sameContext.future())).isTrue();
    await(vertx.undeploy(id));
  }

  private TestReceiver receiver(Consumer<HttpServerRequest> fallback) throws Exception {
    TestReceiver receiver = await(TestReceiver.start(vertx, fallback));
    receivers.add(receiver);
    return receiver;
  }

  private WebhookSender sender(WebhookOptions options) {
    return track(new WebhookSender(vertx, options, registry));
  }

  private WebhookSender track(WebhookSender sender) {
    senders.add(sender);
    return sender;
  }

  /** Tiny backoffs (5 to 20 ms) and a 2 s attempt timeout, to keep the tests fast. */
  private static WebhookOptions fast(int maxAttempts) {
    return WebhookOptions.of(SECRET, maxAttempts, 5, 20, 2_000, 4, 4);
  }

  private double count(String meter, String outcome) {
    return registry.get("busbar.webhooks." + meter).tag("outcome", outcome).counter().count();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(5, TimeUnit.SECONDS);
  }

}
