package io.busbar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A well-behaved bridge client that keeps busy while a test abuses the node: every tick it sends a request to
 * {@code demo.echo} and the node publishes a numbered message to the address it registered on. {@link #assertServed}
 * checks that it got every reply and every publication so far, in order, and never an error.
 */
public final class Neighbour implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket ws;
  private final String address;
  private final Set<Integer> replies = ConcurrentHashMap.newKeySet();
  private final List<Integer> deliveries = new CopyOnWriteArrayList<>();
  private final List<String> unexpected = new CopyOnWriteArrayList<>();
  private final AtomicInteger requested = new AtomicInteger();
  private final AtomicInteger published = new AtomicInteger();
  private final long timer;

  private Neighbour(Vertx vertx, WebSocketClient client, WebSocket ws, String address, long tickMs) {
    this.vertx = vertx;
    this.client = client;
    this.ws = ws;
    this.address = address;
    ws.textMessageHandler(text -> onFrame(new JsonObject(text)));
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
    ws.writeTextMessage(request("ready").encode());
    Poll.until("the neighbour's registration", WAIT, () -> replies.contains(-1));
    this.timer = vertx.setPeriodic(tickMs, t -> tick());
  }

  /** Connects a neighbour on the raw WebSocket endpoint; it listens on {@code address} (which it may register on). */
  public static Neighbour start(Vertx vertx, int port, String address, long tickMs) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket")));
    return new Neighbour(vertx, client, ws, address, tickMs);
  }

  private JsonObject request(String id) {
    return new JsonObject().put("type", "send").put("address", "demo.echo").put("replyAddress", "n-" + id)
        .put("body", id);
  }

  private void tick() {
    int n = requested.getAndIncrement();
    ws.writeTextMessage(request(String.valueOf(n)).encode());
    vertx.eventBus().publish(address, published.getAndIncrement());
  }

  private void onFrame(JsonObject frame) {
    String to = String.valueOf(frame.getValue("address"));
    if (!"rec".equals(frame.getString("type"))) {
      unexpected.add(frame.encode());
    } else if (to.equals(address) && frame.getValue("body") instanceof Integer n) {
      deliveries.add(n);
    } else if (to.equals("n-ready")) {
      replies.add(-1);
    } else if (to.startsWith("n-") && to.substring(2).equals(frame.getValue("body"))) {
      replies.add(Integer.parseInt(to.substring(2)));
    } else {
      unexpected.add(frame.encode());
    }
  }

  /** Every request sent so far was answered and every message published so far arrived, in order; no error. */
  public void assertServed() {
    int requests = requested.get();
    int publications = published.get();
    assertThat(requests).as("the neighbour's ticks").isPositive();
    Poll.until("the neighbour's " + requests + " replies and " + publications + " deliveries", WAIT,
        () -> IntStream.range(0, requests).allMatch(replies::contains) && deliveries.size() >= publications);
    assertThat(List.copyOf(deliveries).subList(0, publications)).as("publications to the neighbour, in order")
        .isEqualTo(IntStream.range(0, publications).boxed().toList());
    assertThat(unexpected).as("frames the neighbour did not expect").isEmpty();
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    Await.result(ws.close());
    client.close();
  }
}
