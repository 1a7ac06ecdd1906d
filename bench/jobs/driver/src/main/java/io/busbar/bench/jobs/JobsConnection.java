package io.busbar.bench.jobs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * One raw WebSocket to Busbar's {@code /eventbus/websocket}, submitting no-op jobs in a closed loop and timing
 * each from just before its submit frame is written to the arrival of its {@code succeeded} event. All state is
 * confined to the connection's event-loop context; the driver thread calls the public methods, which hop onto it.
 *
 * <p>Wire format (one JSON bridge frame per WebSocket text message):
 * <ul>
 *   <li>once: {@code {"type":"register","address":"jobs.inbox.<uuid>"}}</li>
 *   <li>submit: {@code {"type":"send","address":"jobs.submit","replyAddress":"j0-42","body":{"type":"noop",
 *       "queue":"default","payload":{},"notify":"jobs.inbox.<uuid>"}}}</li>
 *   <li>accepted: {@code {"type":"rec","address":"j0-42","body":{"id":"…","state":"queued",…}}}</li>
 *   <li>refused or failed: {@code {"type":"err","address":"j0-42","failureCode":429,"failureType":"…",…}}</li>
 *   <li>events: {@code {"type":"rec","address":"jobs.inbox.<uuid>","body":{"event":"succeeded","job":{"id":…}}}}</li>
 * </ul>
 * A job's terminal event may overtake the reply that names its id; such events wait in {@code early}.
 */
final class JobsConnection {

  private static final String PING_FRAME = "{\"type\":\"ping\"}";
  private static final String EVENT_KEY = "\"event\":\"";
  private static final long PING_INTERVAL_MS = 5_000;
  private static final long SWEEP_INTERVAL_MS = 250;
  private static final long MAX_LATENCY_MICROS = 120_000_000;
  private static final long REFUSED_BACKOFF_MS = 1;
  private static final long ERROR_BACKOFF_MS = 10;

  private final Context context;
  private final int index;
  private final String inbox = "jobs.inbox." + UUID.randomUUID();
  private final String framePrefix;
  private final String frameSuffix;
  private final long jobTimeoutNanos;

  private final Map<String, Job> awaitingReply = new HashMap<>();
  private final Map<String, Job> awaitingEvent = new HashMap<>();
  private final Map<String, Terminal> early = new HashMap<>();
  private final Set<String> abandoned = new HashSet<>();

  private WebSocket socket;
  private boolean closed;
  private long pingTimer = -1;
  private long sweepTimer = -1;
  private long nextReplySeq;

  private PhaseControl control;
  private ConnectionStats stats = new ConnectionStats();
  private Promise<Void> drained;
  private volatile long progressSucceeded;
  private volatile long progressFailed;
  private volatile String firstErrorSoFar;

  private record Job(long index, long submittedAt) {
  }

  private record Terminal(long at, boolean succeeded, String event) {
  }

  JobsConnection(Context context, int index, String queue, String jobType, long jobTimeoutNanos) {
    this.context = context;
    this.index = index;
    this.jobTimeoutNanos = jobTimeoutNanos;
    this.framePrefix = "{\"type\":\"send\",\"address\":\"jobs.submit\",\"replyAddress\":\"";
    this.frameSuffix = "\",\"body\":" + new JsonObject().put("type", jobType).put("queue", queue)
      .put("payload", new JsonObject()).put("notify", inbox).encode() + "}";
  }

  /** Connects, registers the inbox and starts pinging. */
  Future<Void> open(WebSocketClient client, int port) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(port).setURI("/eventbus/websocket");
    Promise<Void> opened = Promise.promise();
    context.runOnContext(v -> client.connect(options).map(this::attach).onComplete(opened));
    return opened.future();
  }

  /** Jobs that succeeded so far, over all phases; any thread. */
  long succeededSoFar() {
    return progressSucceeded;
  }

  /** Submissions that ended otherwise so far (refused, failed, lost), over all phases; any thread. */
  long failedSoFar() {
    return progressFailed;
  }

  /** The first error this connection saw in any phase, or null; any thread. */
  String firstErrorSoFar() {
    return firstErrorSoFar;
  }

  /** Starts a phase with fresh statistics and {@code inFlight} jobs on the wire. */
  void start(PhaseControl phase, int inFlight) {
    context.runOnContext(v -> {
      control = phase;
      stats = new ConnectionStats();
      drained = null;
      for (int i = 0; i < inFlight && !closed; i++) {
        submitNext();
      }
      completeDrainIfIdle();
    });
  }

  /** Completes once nothing is outstanding and the phase allows no new job (stop it, or reach its limit). */
  Future<Void> drained() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      drained = promise;
      completeDrainIfIdle();
    });
    return promise.future();
  }

  /** Counts every job still outstanding as lost, and returns this phase's statistics. */
  Future<ConnectionStats> finishPhase() {
    Promise<ConnectionStats> promise = Promise.promise();
    context.runOnContext(v -> {
      for (Map.Entry<String, Job> e : awaitingEvent.entrySet()) {
        abandoned.add(e.getKey());
      }
      stats.lost += awaitingReply.size() + awaitingEvent.size();
      awaitingReply.clear();
      awaitingEvent.clear();
      stats.connectionIndex = index;
      promise.complete(stats);
    });
    return promise.future();
  }

  /** Closes the socket, bounded by the client's closing timeout. */
  Future<Void> close() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      context.owner().cancelTimer(pingTimer);
      context.owner().cancelTimer(sweepTimer);
      if (socket == null) {
        promise.complete();
      } else {
        socket.close().recover(failure -> Future.succeededFuture()).onComplete(promise);
      }
    });
    return promise.future();
  }

  private Void attach(WebSocket webSocket) {
    socket = webSocket;
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(this::onBinary);
    socket.exceptionHandler(failure -> connectionError("socket exception: " + failure));
    socket.closeHandler(v -> onClosed());
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", inbox).encode());
    pingTimer = context.owner().setPeriodic(PING_INTERVAL_MS, id -> socket.writeTextMessage(PING_FRAME));
    sweepTimer = context.owner().setPeriodic(SWEEP_INTERVAL_MS, id -> sweepTimedOut());
    return null;
  }

  private void submitNext() {
    if (closed || control == null || !control.maySubmit(stats.submitted)) {
      completeDrainIfIdle();
      return;
    }
    String replyAddress = "j" + index + "-" + nextReplySeq++;
    awaitingReply.put(replyAddress, new Job(stats.submitted++, System.nanoTime()));
    socket.writeTextMessage(framePrefix + replyAddress + frameSuffix)
      .onFailure(failure -> connectionError("write failed: " + failure));
  }

  private void submitLater(long delayMs) {
    PhaseControl phase = control;
    context.owner().setTimer(delayMs, id -> {
      if (control == phase) {
        submitNext();
      }
    });
  }

  private void onText(String text) {
    long now = System.nanoTime();
    if (isIntermediateEvent(text)) {
      stats.framesIn++;
      stats.intermediateEvents++;
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      connectionError("frame is not JSON: " + abbreviate(text));
      return;
    }
    onFrame(frame, now);
  }

  /**
   * Whether the frame is a job event that ends nothing ({@code queued}, {@code running}, {@code progress}), found
   * without parsing it so that the driver's own cost stays low. Safe here because the jobs carry an empty payload:
   * the only {@code "event":"} in a frame is the event's own name.
   */
  private static boolean isIntermediateEvent(String text) {
    int at = text.indexOf(EVENT_KEY);
    if (at < 0) {
      return false;
    }
    return text.startsWith("queued\"", at + EVENT_KEY.length()) || text.startsWith("running\"", at + EVENT_KEY.length())
      || text.startsWith("progress\"", at + EVENT_KEY.length());
  }

  private void onBinary(Buffer data) {
    onText(data.toString());
  }

  private void onFrame(JsonObject frame, long now) {
    String type = frame.getString("type", "");
    String address = frame.getString("address");
    stats.framesIn++;
    if ("rec".equals(type) && inbox.equals(address)) {
      onEvent(frame.getValue("body"), now);
    } else if ("rec".equals(type) && address != null && awaitingReply.containsKey(address)) {
      onAccepted(awaitingReply.remove(address), frame.getValue("body"), now);
    } else if ("err".equals(type) && address != null && awaitingReply.containsKey(address)) {
      onRefused(awaitingReply.remove(address), frame);
    } else if ("err".equals(type)) {
      connectionError("err frame: " + abbreviate(frame.encode()));
    } else if (!"pong".equals(type)) {
      stats.unexpectedFrames++;
      stats.firstUnexpected = stats.firstUnexpected == null ? abbreviate(frame.encode()) : stats.firstUnexpected;
    }
  }

  private void onAccepted(Job job, Object body, long now) {
    String id = body instanceof JsonObject reply ? reply.getString("id") : null;
    if (id == null) {
      endFailed(job, "submit reply without a job id: " + abbreviate(String.valueOf(body)), ERROR_BACKOFF_MS);
      return;
    }
    stats.accepted++;
    Terminal terminal = early.remove(id);
    if (terminal == null) {
      awaitingEvent.put(id, job);
    } else {
      endTerminal(job, terminal);
    }
  }

  private void onRefused(Job job, JsonObject frame) {
    Object code = frame.getValue("failureCode");
    String kind = frame.getString("failureType", "?") + "/" + code;
    stats.errorsByKind.merge(kind, 1L, Long::sum);
    boolean refused = code instanceof Number n && n.intValue() == 429;
    if (refused) {
      stats.refused429++;
    }
    endFailed(job, "submit failed: " + abbreviate(frame.encode()), refused ? REFUSED_BACKOFF_MS : ERROR_BACKOFF_MS);
  }

  private void onEvent(Object body, long now) {
    if (!(body instanceof JsonObject event) || !(event.getValue("job") instanceof JsonObject job)) {
      stats.unexpectedFrames++;
      return;
    }
    String name = event.getString("event", "");
    String id = job.getString("id");
    boolean terminal = switch (name) {
      case "succeeded", "cancelled", "dead_lettered" -> true;
      // failed and timed_out are final only when the job ends there (no attempt left)
      case "failed", "timed_out" -> name.equals(job.getString("state"));
      default -> false;
    };
    if (!terminal || id == null || abandoned.remove(id)) {
      return;
    }
    Terminal outcome = new Terminal(now, "succeeded".equals(name), name);
    Job waiting = awaitingEvent.remove(id);
    if (waiting == null) {
      early.put(id, outcome);
    } else {
      endTerminal(waiting, outcome);
    }
  }

  private void endTerminal(Job job, Terminal terminal) {
    if (!terminal.succeeded()) {
      stats.jobFailures.merge(terminal.event(), 1L, Long::sum);
      endFailed(job, "job ended with event " + terminal.event(), 0);
      return;
    }
    stats.succeeded++;
    progressSucceeded++;
    if (control.completionCounted(job.index(), terminal.at())) {
      stats.measuredCompleted++;
    }
    if (control.latencyMeasured(job.index(), job.submittedAt(), terminal.at())) {
      stats.latencyMicros.recordValue(Math.min(MAX_LATENCY_MICROS,
        Math.max(0, (terminal.at() - job.submittedAt()) / 1_000)));
    }
    submitNext();
  }

  private void endFailed(Job job, String why, long backoffMs) {
    progressFailed++;
    if (stats.firstError == null) {
      stats.firstError = why;
    }
    if (firstErrorSoFar == null) {
      firstErrorSoFar = why;
    }
    if (backoffMs > 0 && control.running()) {
      submitLater(backoffMs);
    } else {
      submitNext();
    }
  }

  private void sweepTimedOut() {
    long now = System.nanoTime();
    sweep(awaitingReply, now, false);
    sweep(awaitingEvent, now, true);
  }

  private void sweep(Map<String, Job> jobs, long now, boolean idsKnown) {
    Iterator<Map.Entry<String, Job>> it = jobs.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Job> entry = it.next();
      if (now - entry.getValue().submittedAt() > jobTimeoutNanos) {
        it.remove();
        if (idsKnown) {
          abandoned.add(entry.getKey());
        }
        stats.lost++;
        endFailed(entry.getValue(), (idsKnown ? "no terminal event for job " : "no reply to submit ")
          + entry.getKey() + " within " + jobTimeoutNanos / 1_000_000 + " ms", 0);
      }
    }
  }

  private void completeDrainIfIdle() {
    boolean idle = awaitingReply.isEmpty() && awaitingEvent.isEmpty();
    boolean more = !closed && control != null && control.maySubmit(stats.submitted);
    if (drained != null && idle && !more) {
      drained.tryComplete();
    }
  }

  private void onClosed() {
    if (!closed) {
      closed = true;
      context.owner().cancelTimer(pingTimer);
      context.owner().cancelTimer(sweepTimer);
      connectionError("server closed the connection");
      stats.lost += awaitingReply.size() + awaitingEvent.size();
      progressFailed += awaitingReply.size() + awaitingEvent.size();
      awaitingReply.clear();
      awaitingEvent.clear();
    }
    completeDrainIfIdle();
  }

  private void connectionError(String why) {
    stats.connectionError(why);
    if (firstErrorSoFar == null) {
      firstErrorSoFar = why;
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }

  /** What one connection saw during one phase. Mutated only on the connection's context. */
  static final class ConnectionStats {
    int connectionIndex;
    long submitted;
    long accepted;
    long succeeded;
    long measuredCompleted;
    long refused429;
    long lost;
    long framesIn;
    long intermediateEvents;
    long unexpectedFrames;
    long connectionErrors;
    String firstError;
    String firstUnexpected;
    final Map<String, Long> errorsByKind = new HashMap<>();
    final Map<String, Long> jobFailures = new HashMap<>();
    final Histogram latencyMicros = new Histogram(MAX_LATENCY_MICROS, 3);

    void connectionError(String why) {
      connectionErrors++;
      if (firstError == null) {
        firstError = why;
      }
    }
  }
}
