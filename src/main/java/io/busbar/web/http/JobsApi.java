package io.busbar.web.http;

import io.busbar.jobs.Job;
import io.busbar.jobs.JobsClient;
import io.busbar.metrics.GatewayMeters;
import io.busbar.web.auth.Principal;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import io.busbar.web.errors.HttpErrors;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The job platform over HTTP; every operation goes to the jobs service through {@link JobsClient}:
 * <ul>
 *   <li>{@code POST /api/jobs}: submit ({@code JobSpec} JSON) → 202 {@code {id, state, queue, position, etaMs,
 *       eventsAddress}}, 400 naming a bad field, 429 with {@code Retry-After} when the queue is full;</li>
 *   <li>{@code POST /api/jobs/batch}: {@code {"jobs": [...]}} → 202 {@code {batchId, eventsAddress, jobs}};</li>
 *   <li>{@code GET /api/jobs/{id}[?waitMs=N]}: the job; with waitMs, once it is final or after N ms;</li>
 *   <li>{@code GET /api/jobs/{id}/events}: Server-Sent Events of the job, starting with its current state and
 *       ending after its final state;</li>
 *   <li>{@code DELETE /api/jobs/{id}}: cancel; {@code POST /api/jobs/{id}/retry}: retry a dead-lettered job;</li>
 *   <li>{@code GET /api/jobs?queue=&state=&limit=&offset=}: a page of jobs, newest first;</li>
 *   <li>{@code GET /api/queues}: per-queue statistics.</li>
 * </ul>
 */
public final class JobsApi {

  private final Vertx vertx;
  private final JobsClient jobs;
  private final GatewayMeters meters;

  public JobsApi(Vertx vertx, GatewayMeters meters) {
    this.vertx = vertx;
    this.jobs = new JobsClient(vertx.eventBus());
    this.meters = meters;
  }

  public void mount(Router router) {
    router.post("/api/jobs").handler(this::submit);
    router.post("/api/jobs/batch").handler(this::batch);
    router.get("/api/jobs").handler(this::list);
    router.get("/api/jobs/:id").handler(this::get);
    router.get("/api/jobs/:id/events").handler(this::events);
    router.delete("/api/jobs/:id").handler(ctx -> reply(ctx, 200, jobs(ctx).cancel(ctx.pathParam("id"))
        .map(Job::toJson)));
    router.post("/api/jobs/:id/retry").handler(ctx -> reply(ctx, 200, jobs(ctx).retry(ctx.pathParam("id"))
        .map(Job::toJson)));
    router.get("/api/queues").handler(ctx -> reply(ctx, 200, jobs(ctx).queues()));
  }

  /** The jobs client acting for the request's caller. */
  private JobsClient jobs(RoutingContext ctx) {
    return jobs.as(ctx.get(Principal.CONTEXT_KEY, Principal.ANONYMOUS).identity());
  }

  private void submit(RoutingContext ctx) {
    jobs(ctx).submit(bodyObject(ctx)).onSuccess(receipt -> ctx.response()
            .putHeader("Location", "/api/jobs/" + receipt.id()).setStatusCode(202)
            .putHeader("Content-Type", "application/json").end(receipt.toJson().encode()))
        .onFailure(e -> HttpErrors.respond(ctx, e));
  }

  private void batch(RoutingContext ctx) {
    JsonObject body = bodyObject(ctx);
    if (!(body.getValue("jobs") instanceof io.vertx.core.json.JsonArray specs)) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "jobs: required, an array of jobs");
    }
    reply(ctx, 202, jobs(ctx).batch(specs));
  }

  private void get(RoutingContext ctx) {
    long waitMs = longParam(ctx, "waitMs", 0);
    reply(ctx, 200, jobs(ctx).get(ctx.pathParam("id"), waitMs).map(Job::toJson));
  }

  private void list(RoutingContext ctx) {
    reply(ctx, 200, jobs(ctx).list(ctx.queryParams().get("queue"), ctx.queryParams().get("state"),
        intParam(ctx, "limit", 50), intParam(ctx, "offset", 0)));
  }

  private void events(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    jobs(ctx).get(id).onFailure(e -> HttpErrors.respond(ctx, e)).onSuccess(job -> {
      HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
      meters.connectionOpened("sse");
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(job.eventsAddress());
      response.closeHandler(v -> {
        consumer.unregister();
        meters.connectionClosed("sse");
      });
      consumer.handler(message -> {
        JsonObject event = message.body();
        JsonObject eventJob = event.getJsonObject("job");
        if (eventJob != null && id.equals(eventJob.getString("id")) && !response.closed()) {
          write(response, event);
          if (Job.fromJson(eventJob).state().isFinal() && !"progress".equals(event.getString("event"))) {
            response.end();
          }
        }
      });
      consumer.completion().onSuccess(v -> jobs.get(id).onSuccess(now -> {
        write(response, new JsonObject().put("event", now.state().wire()).put("job", now.toJson()));
        if (now.state().isFinal()) {
          response.end();
        }
      }));
    });
  }

  private static void write(HttpServerResponse response, JsonObject event) {
    if (!response.ended() && !response.closed()) {
      response.write("event: " + event.getString("event") + "\ndata: " + event.encode() + "\n\n");
    }
  }

  private static void reply(RoutingContext ctx, int status, io.vertx.core.Future<JsonObject> result) {
    result.onSuccess(body -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.encode())).onFailure(e -> HttpErrors.respond(ctx, e));
  }

  private static JsonObject bodyObject(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    Object parsed;
    try {
      parsed = raw == null || raw.length() == 0 ? null : Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw new GatewayException(ErrorCode.INVALID_JSON, "the request body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject json)) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "body: must be a JSON object");
    }
    return json;
  }

  /** A whole-number parameter that fits an int; the service checks its own range ({@code limit} 1..1000, ...). */
  private static int intParam(RoutingContext ctx, String name, int fallback) {
    long value = longParam(ctx, name, fallback);
    if (value != (int) value) {
      throw new GatewayException(ErrorCode.INVALID_PARAMETER, name + ": out of range");
    }
    return (int) value;
  }

  private static long longParam(RoutingContext ctx, String name, long fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new GatewayException(ErrorCode.INVALID_PARAMETER, name + ": must be a whole number");
    }
  }
}
