package io.busbar.web.ws;

import io.busbar.bus.Addresses;
import io.busbar.config.BridgeConfig;
import io.busbar.metrics.GatewayMeters;
import io.busbar.web.Permissions;
import io.busbar.web.Requests;
import io.busbar.web.auth.Principal;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.Failure;
import io.busbar.web.errors.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection speaking the Vert.x event-bus bridge protocol, over either transport.
 *
 * <p>Client frames: {@code send} (with an optional {@code replyAddress}, then a request whose reply or failure comes
 * back to that address), {@code publish}, {@code register}, {@code unregister}, {@code ping}. A bad frame gets an
 * {@code err} frame and changes nothing else: the connection stays open. All state lives on the connection's event
 * loop; everything the session registered is removed when it closes.
 *
 * <p>A message the server sends to a client with a reply expected carries a {@code replyAddress} that Busbar makes
 * up for the client (never the internal {@code __vertx.reply.*} address); the client answers by sending to it.
 */
public final class BridgeSession {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSession.class);
  private static final int MAX_REPLY_ADDRESS = 36;

  private final Vertx vertx;
  private final EventBus bus;
  private final FrameChannel channel;
  private final BridgeConfig config;
  private final Permissions permissions;
  private final GatewayMeters meters;
  private final Map<String, MessageConsumer<Object>> registrations = new HashMap<>();
  private final Map<String, PendingReply> pendingReplies = new HashMap<>();
  private long lastActivity = System.nanoTime();
  private boolean closed;
  private boolean toldDropping;
  private final TokenBucket rate;
  private final SubjectLimits.Slot subjectSlot;
  /** Closing the connection as a slow consumer: no further message is written to it. */
  private boolean closingSlow;
  /** When this side started closing the connection (nanoTime), or 0. */
  private long closingAt;
  private boolean aborted;
  private int rateViolations;
  private int inFlight;
  private final Principal principal;
  private final Requests requests;
  private long expiryTimer = -1;

  private record PendingReply(Message<Object> message, long timer) {
  }

  /**
   * A session for {@code principal}, holding {@code subjectSlot} (released when the session closes); its requests
   * with a reply address go through {@code requests} (one more try after losing a node).
   */
  public BridgeSession(Vertx vertx, FrameChannel channel, BridgeConfig config, Permissions permissions,
      GatewayMeters meters, Principal principal, SubjectLimits.Slot subjectSlot, Requests requests) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.requests = requests;
    this.channel = channel;
    this.config = config;
    this.permissions = permissions;
    this.meters = meters;
    this.rate = new TokenBucket(config.ratePerSecond(), config.rateBurst(), lastActivity);
    this.principal = principal;
    this.subjectSlot = subjectSlot;
    if (principal.expiresAtMs() != Long.MAX_VALUE) {
      expiryTimer = vertx.setTimer(Math.max(1, principal.expiresAtMs() - System.currentTimeMillis()), t -> expired());
    }
  }

  /** The client's credentials expired while it was connected: tell it and close. */
  private void expired() {
    if (!closed) {
      channel.write(BridgeFrames.refused(Failure.of(new GatewayException(ErrorCode.TOKEN_EXPIRED,
          "the token expired; reconnect with a fresh one")), null));
      closeWith((short) 1008, "token expired");
    }
  }

  /** Handles one inbound message of the transport (a whole frame): a JSON document in UTF-8. */
  public void onFrame(Buffer data) {
    if (closed) {
      return;
    }
    lastActivity = System.nanoTime();
    JsonObject frame = null;
    try {
      String excess = rateExceeded(lastActivity);
      if (excess != null) {
        if (++rateViolations >= config.maxRateViolations()) {
          closeWith((short) 1008, "message rate limit exceeded");
          return;
        }
        throw new GatewayException(ErrorCode.RATE_LIMITED, excess);
      }
      rateViolations = 0;
      if (data.length() > config.maxFrameBytes()) {
        throw new GatewayException(ErrorCode.FRAME_TOO_LARGE,
            "the frame is larger than " + config.maxFrameBytes() + " bytes");
      }
      frame = parse(data);
      dispatch(frame);
    } catch (GatewayException e) {
      refuse(e, frame);
    } catch (RuntimeException e) {
      LOG.error("bridge frame from {} failed", channel.remoteAddress(), e);
      refuse(e, frame);
    }
  }

  /**
   * The transport dropped a message over its own limit ({@link BridgeConfig#transportLimitBytes()}): it gets
   * {@code frame_too_large} and a close with 1009 (message too big), as documented; without this the client would
   * wait forever for an answer.
   */
  public void onMessageTooBig() {
    if (!closed) {
      refuse(new GatewayException(ErrorCode.FRAME_TOO_LARGE, "the message is larger than this server reads"), null);
      closeWith((short) 1009, "message too big");
    }
  }

  /**
   * The transport could not read a message. SockJS's WebSocket transport reads with Vert.x's own aggregation, which
   * reports a message over {@code maxWebSocketMessageSize} as an error and drops it: that is
   * {@link #onMessageTooBig()}. Other transport errors end the connection by themselves.
   */
  public void onTransportError(Throwable error) {
    if (closed) {
      return;
    }
    if (isMessageTooBig(error)) {
      onMessageTooBig();
    } else {
      LOG.debug("bridge connection {} failed", channel.remoteAddress(), error);
    }
  }

  /** Vert.x reports a WebSocket message over {@code maxWebSocketMessageSize} with this exception, then drops it. */
  private static boolean isMessageTooBig(Throwable error) {
    return error instanceof IllegalStateException && String.valueOf(error.getMessage()).contains("max message size");
  }

  /**
   * Takes a token of the connection's rate limit, then one of its subject's (shared by all the subject's
   * connections); null when the frame is within both, else what was exceeded.
   */
  private String rateExceeded(long nowNanos) {
    if (!rate.tryTake(nowNanos)) {
      return "more than " + config.ratePerSecond() + " frames per second on this connection; slow down";
    }
    if (!subjectSlot.tryTake(nowNanos)) {
      return "more than " + config.subjectRatePerSecond() + " frames per second from this subject's connections "
          + "together; slow down";
    }
    return null;
  }

  /** True when nothing arrived from the client for longer than the idle timeout (0 disables it). */
  public boolean isIdle(long nowNanos) {
    return config.idleTimeoutMs() > 0 && nowNanos - lastActivity > config.idleTimeoutMs() * 1_000_000L;
  }

  /**
   * Starts closing the connection with a close frame; the client should answer it, and {@link #onClose()} follows
   * from the transport. A client that does not read never sees the frame, so {@link #closeOverdue(long)} tells the
   * bridge's sweep when to drop the connection instead.
   */
  private void closeWith(short status, String reason) {
    if (closingAt == 0) {
      closingAt = System.nanoTime();
    }
    channel.close(status, reason);
  }

  /** True when this side started closing more than {@code bridge.closeTimeoutMs} ago and the connection lives on. */
  public boolean closeOverdue(long nowNanos) {
    return !closed && closingAt != 0 && nowNanos - closingAt > config.closeTimeoutMs() * 1_000_000L;
  }

  /** Drops the connection without waiting for the closing handshake any longer; {@link #onClose()} follows. */
  public void abort() {
    if (aborted) {
      return;
    }
    aborted = true;
    LOG.warn("dropping {}: it did not complete the close within {} ms", channel.remoteAddress(),
        config.closeTimeoutMs());
    channel.abort();
  }

  /** Closes the connection because it was idle; {@link #onClose()} follows from the transport. */
  public void closeIdle() {
    closeWith((short) 1001, "idle for more than " + config.idleTimeoutMs() + " ms without a ping");
  }

  /** The connection closed: remove every consumer and fail every request the client did not answer. */
  public void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    subjectSlot.release();
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    registrations.values().forEach(this::unregister);
    registrations.clear();
    pendingReplies.values().forEach(p -> {
      vertx.cancelTimer(p.timer());
      p.message().fail(503, "the client disconnected before replying");
    });
    pendingReplies.clear();
  }

  /** Addresses this session listens on, for tests and diagnostics. */
  public int registrationCount() {
    return registrations.size();
  }

  private static JsonObject parse(Buffer data) {
    Object parsed;
    try {
      parsed = Json.CODEC.fromBuffer(data, Object.class);
    } catch (DecodeException e) {
      throw new GatewayException(ErrorCode.INVALID_JSON, "the frame is not valid JSON");
    }
    if (!(parsed instanceof JsonObject frame)) {
      throw new GatewayException(ErrorCode.INVALID_JSON, "the frame must be a JSON object");
    }
    return frame;
  }

  private void dispatch(JsonObject frame) {
    Object type = frame.getValue("type");
    if (type == null) {
      throw new GatewayException(ErrorCode.MISSING_TYPE, "the frame has no \"type\"");
    }
    switch (String.valueOf(type)) {
      case "ping" -> meters.frame("ping");
      case "send" -> onSend(frame);
      case "publish" -> onPublish(frame);
      case "register" -> onRegister(frame);
      case "unregister" -> onUnregister(frame);
      default -> throw new GatewayException(ErrorCode.INVALID_TYPE,
          "unknown frame type; expected send, publish, register, unregister or ping");
    }
  }

  private void onSend(JsonObject frame) {
    meters.frame("send");
    String address = address(frame);
    Object replyAddress = frame.getValue("replyAddress");
    if (replyAddress != null && (!(replyAddress instanceof String r) || r.isEmpty() || r.length() > MAX_REPLY_ADDRESS)) {
      throw new GatewayException(ErrorCode.INVALID_REPLY_ADDRESS,
          "\"replyAddress\" must be a string of 1 to " + MAX_REPLY_ADDRESS + " characters");
    }
    if (replyAddress != null && inFlight >= config.maxInFlight()) {
      throw new GatewayException(ErrorCode.MAX_IN_FLIGHT_REACHED,
          "a connection may wait for at most " + config.maxInFlight() + " replies at once");
    }
    DeliveryOptions options = deliveryOptions(frame);
    Object body = frame.getValue("body");
    PendingReply pending = pendingReplies.remove(address);
    if (pending != null) {
      vertx.cancelTimer(pending.timer());
      answer(pending.message(), body, options, (String) replyAddress);
      return;
    }
    permissions.checkSend(address, principal.identity());
    if (replyAddress == null) {
      bus.send(address, body, options);
    } else {
      replyTo((String) replyAddress, requests.request(address, body, options));
    }
  }

  /** Counts a request in flight until its reply or failure is delivered to the client's reply address. */
  private void replyTo(String replyAddress, Future<Message<Object>> reply) {
    inFlight++;
    reply.onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        deliverReply(replyAddress, ar.result());
      } else {
        requestFailed(replyAddress, ar.cause());
      }
    });
  }

  private void answer(Message<Object> message, Object body, DeliveryOptions options, String replyAddress) {
    if (replyAddress == null) {
      message.reply(body, options);
      return;
    }
    replyTo(replyAddress, message.replyAndRequest(body, options));
  }

  private void onPublish(JsonObject frame) {
    meters.frame("publish");
    String address = address(frame);
    permissions.checkSend(address, principal.identity());
    bus.publish(address, frame.getValue("body"), deliveryOptions(frame));
  }

  private void onRegister(JsonObject frame) {
    meters.frame("register");
    String address = address(frame);
    permissions.checkReceive(address, principal.identity());
    if (registrations.containsKey(address)) {
      throw new GatewayException(ErrorCode.ADDRESS_ALREADY_REGISTERED, "already registered on \"" + address + "\"");
    }
    if (registrations.size() >= config.maxHandlersPerSocket()) {
      throw new GatewayException(ErrorCode.MAX_HANDLERS_REACHED,
          "a connection may register on at most " + config.maxHandlersPerSocket() + " addresses");
    }
    MessageConsumer<Object> consumer = bus.consumer(address, message -> deliver(address, message));
    registrations.put(address, consumer);
    meters.subscribed();
    if (address.startsWith(Addresses.Jobs.EVENTS_PREFIX) || address.startsWith(Addresses.Jobs.BATCH_EVENTS_PREFIX)) {
      // A client (re)registering on a job's or batch's events gets where it stands, even if it ended while away.
      // The scheduler may run on another node of a cluster.
      consumer.completion().onSuccess(v -> bus.send(Addresses.Jobs.REPLAY, new JsonObject().put("address", address)));
    }
  }

  private void onUnregister(JsonObject frame) {
    meters.frame("unregister");
    MessageConsumer<Object> consumer = registrations.remove(address(frame));
    if (consumer != null) {
      unregister(consumer);
    }
  }

  private void unregister(MessageConsumer<Object> consumer) {
    consumer.unregister();
    meters.unsubscribed();
  }

  private void deliver(String address, Message<Object> message) {
    if (closed) {
      return;
    }
    if (closingSlow || channel.writeQueueFull()) {
      dropFor(message);
      return;
    }
    channel.write(BridgeFrames.rec(address, message.body(), message.headers(), expectReply(message)));
  }

  /**
   * When {@code message} expects a reply, remembers it under a fresh client-facing reply address (forgotten after
   * the reply timeout) and returns that address; otherwise returns null.
   */
  private String expectReply(Message<Object> message) {
    if (message.replyAddress() == null) {
      return null;
    }
    String key = UUID.randomUUID().toString();
    long timer = vertx.setTimer(config.replyTimeoutMs(), t -> pendingReplies.remove(key));
    pendingReplies.put(key, new PendingReply(message, timer));
    return key;
  }

  /**
   * The client does not read fast enough: its write queue (bounded by the transport) is full. Under {@code drop}
   * the message is dropped and counted, and the client is told once; under {@code close} the connection is closed,
   * once: a client that does not read does not answer the close handshake either, so the transport ends the session
   * only after its closing timeout, and the messages meanwhile are dropped and counted without another close or log
   * line each. A request addressed to it fails at once rather than timing out.
   */
  private void dropFor(Message<Object> message) {
    meters.dropped();
    if (message.replyAddress() != null) {
      message.fail(503, "the client is not reading fast enough");
    }
    if (config.slowConsumer() == BridgeConfig.SlowConsumerPolicy.CLOSE) {
      if (!closingSlow) {
        closingSlow = true;
        LOG.warn("closing slow client {}", channel.remoteAddress());
        closeWith((short) 1008, "not reading fast enough");
      }
      return;
    }
    if (!toldDropping) {
      toldDropping = true;
      LOG.warn("dropping messages for slow client {}", channel.remoteAddress());
      channel.write(BridgeFrames.refused(Failure.of(new GatewayException(ErrorCode.SLOW_CONSUMER,
          "messages are being dropped because this connection does not read fast enough")), null));
    }
  }

  private void deliverReply(String replyAddress, Message<Object> reply) {
    if (closed) {
      return;
    }
    channel.write(BridgeFrames.rec(replyAddress, reply.body(), reply.headers(), expectReply(reply)));
  }

  private void requestFailed(String replyAddress, Throwable cause) {
    if (closed) {
      return;
    }
    ReplyException failure = cause instanceof ReplyException r ? r
        : new ReplyException(ReplyFailure.ERROR, cause.getMessage());
    meters.error(Failure.of(failure).code());
    channel.write(BridgeFrames.requestFailed(replyAddress, failure));
  }

  private void refuse(Throwable error, JsonObject frame) {
    Failure failure = Failure.of(error);
    meters.error(failure.code());
    Object replyAddress = frame == null ? null : frame.getValue("replyAddress");
    boolean usable = replyAddress instanceof String r && !r.isEmpty() && r.length() <= MAX_REPLY_ADDRESS;
    channel.write(BridgeFrames.refused(failure, usable ? (String) replyAddress : null));
  }

  private static String address(JsonObject frame) {
    Object address = frame.getValue("address");
    if (address == null || (address instanceof String s && s.isEmpty())) {
      throw new GatewayException(ErrorCode.MISSING_ADDRESS, "the frame has no \"address\"");
    }
    if (!(address instanceof String s)) {
      throw new GatewayException(ErrorCode.MISSING_ADDRESS, "\"address\" must be a string");
    }
    return s;
  }

  private DeliveryOptions deliveryOptions(JsonObject frame) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.replyTimeoutMs());
    Object headers = frame.getValue("headers");
    if (headers == null) {
      return principal.identity().stamp(options);
    }
    if (!(headers instanceof JsonObject h)) {
      throw new GatewayException(ErrorCode.INVALID_HEADERS, "\"headers\" must be an object of strings");
    }
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, Object> e : h) {
      Object value = e.getValue();
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new GatewayException(ErrorCode.INVALID_HEADERS, "header \"" + e.getKey() + "\" must be a string");
      }
      map.add(e.getKey(), String.valueOf(value));
    }
    return principal.identity().stamp(options.setHeaders(map));
  }
}
