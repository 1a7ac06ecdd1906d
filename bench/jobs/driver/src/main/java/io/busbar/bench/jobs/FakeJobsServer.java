package io.busbar.bench.jobs;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A stand-in for Busbar's job engine, for checking the driver itself ({@code sut=fake}): it speaks the same bridge
 * frames on {@code /eventbus/websocket} and answers {@code GET /ready}, accepts every {@code jobs.submit} at once
 * and publishes {@code queued}, {@code running} and {@code succeeded} to the submission's notify address. To
 * exercise the driver's matching, every other job's events are written before its submit reply, and every
 * 1000th submission is refused with failure code 429. Its figures are the driver's ceiling, not Busbar's.
 *
 * <p>Usage: {@code FakeJobsServer <port>}; prints {@code READY <port>} once listening on 127.0.0.1.
 */
public final class FakeJobsServer {

  private static final int REFUSE_EVERY = 1000;

  private FakeJobsServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    vertx.deployVerticle(() -> new Listener(port), new DeploymentOptions().setInstances(2))
      .onSuccess(v -> System.out.println("READY " + port))
      .onFailure(failure -> {
        System.err.println("FakeJobsServer failed to start: " + failure);
        System.exit(1);
      });
  }

  /** One HTTP server instance; Vert.x spreads connections over the instances' event loops. */
  private static final class Listener extends VerticleBase {
    private final int port;

    Listener(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer().webSocketHandler(FakeJobsServer::onSocket)
        .requestHandler(req -> req.response().setStatusCode(req.path().equals("/ready") ? 200 : 404).end());
      return server.listen(port, "127.0.0.1");
    }
  }

  private static void onSocket(ServerWebSocket socket) {
    if (!socket.path().equals("/eventbus/websocket")) {
      socket.close((short) 1008, "unknown path");
      return;
    }
    long[] seq = {0};
    String[] inbox = {null};
    socket.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      switch (frame.getString("type", "")) {
        case "ping" -> socket.writeTextMessage("{\"type\":\"pong\"}");
        case "register" -> inbox[0] = frame.getString("address");
        case "send" -> onSubmit(socket, frame, inbox[0], seq[0]++);
        default -> socket.writeTextMessage(new JsonObject().put("type", "err").put("body", "unknown_type").encode());
      }
    });
  }

  private static void onSubmit(ServerWebSocket socket, JsonObject frame, String inbox, long seq) {
    String replyAddress = frame.getString("replyAddress");
    if (seq % REFUSE_EVERY == REFUSE_EVERY - 1) {
      socket.writeTextMessage(new JsonObject().put("type", "err").put("address", replyAddress)
        .put("failureCode", 429).put("failureType", "RECIPIENT_FAILURE").put("message", "queue full").encode());
      return;
    }
    String id = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    String reply = new JsonObject().put("type", "rec").put("address", replyAddress)
      .put("body", new JsonObject().put("id", id).put("state", "queued").put("queue", "default").put("position", 0)
        .put("etaMs", 0).put("eventsAddress", inbox)).encode();
    boolean eventsFirst = seq % 2 == 1;
    if (!eventsFirst) {
      socket.writeTextMessage(reply);
    }
    for (String event : new String[] {"queued", "running", "succeeded"}) {
      JsonObject job = new JsonObject().put("id", id).put("state", event).put("createdAt", now);
      if (event.equals("succeeded")) {
        job.put("result", (Object) null).put("startedAt", now).put("finishedAt", now);
      }
      socket.writeTextMessage(new JsonObject().put("type", "rec").put("address", inbox)
        .put("body", new JsonObject().put("event", event).put("job", job)).encode());
    }
    if (eventsFirst) {
      socket.writeTextMessage(reply);
    }
  }
}
