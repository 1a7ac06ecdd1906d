package io.busbar.web.ws;

import io.busbar.config.BridgeConfig;
import io.busbar.metrics.GatewayMeters;
import io.busbar.web.Permissions;
import io.busbar.web.Requests;
import io.busbar.web.auth.Principal;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.Failure;
import io.busbar.web.errors.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * The event-bus bridge endpoints of the gateway, both served by {@link BridgeSession}:
 * <ul>
 *   <li>{@code <path>/websocket}: a raw WebSocket, one bridge frame per message, sent as <b>text</b> messages so
 *       that a browser's plain {@code new WebSocket(...)} can {@code JSON.parse(event.data)} (vertx-web's own raw
 *       endpoint sends binary messages). Text and binary messages are both accepted inbound, and parsed from their
 *       bytes ({@link MessageAssembler}).</li>
 *   <li>{@code <path>/*}: SockJS (WebSocket and the HTTP fallbacks), what the official
 *       {@code @vertx/eventbus-bridge-client.js} connects to.</li>
 * </ul>
 * Connections are limited per node ({@code bridge.maxConnections}) and per subject ({@link SubjectLimits}). Sessions
 * that stay silent (not even a ping) for the idle timeout are closed by one periodic sweep.
 */
public final class Bridge {

  private final Vertx vertx;
  private final BridgeConfig config;
  private final Permissions permissions;
  private final GatewayMeters meters;
  private final Requests requests;
  private final SubjectLimits subjects;
  private final Set<BridgeSession> sessions = new HashSet<>();
  private long sweepTimer = -1;

  public Bridge(Vertx vertx, BridgeConfig config, Permissions permissions, GatewayMeters meters) {
    this.vertx = vertx;
    this.config = config;
    this.permissions = permissions;
    this.meters = meters;
    this.requests = new Requests(vertx.eventBus());
    this.subjects = SubjectLimits.of(vertx, config, meters);
  }

  /** Mounts both endpoints under {@code path} (e.g. {@code /eventbus}) and starts the periodic sweep. */
  public void mount(Router router, String path) {
    router.route(path + "/websocket").handler(this::upgrade);
    SockJSHandler sockJS = SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false));
    router.route(path + "/*").handler(BodyHandler.create().setBodyLimit(config.maxFrameBytes() * 2L));
    router.route(path + "/*").subRouter(sockJS.socketHandler(this::acceptSockJS));
    long period = Math.max(100, Math.min(config.closeTimeoutMs() / 2,
        config.idleTimeoutMs() > 0 ? Math.min(config.idleTimeoutMs() / 2, 5_000) : 5_000));
    sweepTimer = vertx.setPeriodic(period, t -> sweep());
  }

  /** Stops the sweep; connections close with the HTTP server. */
  public void close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
  }

  /** Open bridge sessions on this verticle instance. */
  public int sessionCount() {
    return sessions.size();
  }

  private void upgrade(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      ctx.fail(new GatewayException(ErrorCode.INVALID_PARAMETER, "this endpoint expects a WebSocket upgrade"));
      return;
    }
    Principal principal = ctx.get(Principal.CONTEXT_KEY, Principal.ANONYMOUS);
    SubjectLimits.Slot slot;
    try {
      slot = admit(principal);
    } catch (GatewayException refused) {
      ctx.fail(refused);
      return;
    }
    HttpConnection connection = ctx.request().connection();
    ctx.request().toWebSocket().onSuccess(ws -> acceptWebSocket(ws, connection, principal, slot)).onFailure(e -> {
      slot.release();
      ctx.fail(e);
    });
  }

  /** Admits one more connection under the node's limit and its subject's, or throws the refusal. */
  private SubjectLimits.Slot admit(Principal principal) {
    if (meters.bridgeConnections() >= config.maxConnections()) {
      throw new GatewayException(ErrorCode.TOO_MANY_CONNECTIONS,
          "this node has reached its " + config.maxConnections() + " bridge connections");
    }
    return subjects.acquire(principal);
  }

  private void acceptWebSocket(ServerWebSocket ws, HttpConnection connection, Principal principal,
      SubjectLimits.Slot slot) {
    ws.setWriteQueueMaxSize(config.maxQueuedBytes());
    int limit = config.transportLimitBytes();
    FrameChannel channel = new WebSocketChannel(ws, connection, limit);
    BridgeSession session = open(channel, principal, slot);
    ws.frameHandler(new MessageAssembler(limit, session::onFrame, session::onMessageTooBig));
    ws.exceptionHandler(session::onTransportError);
    ws.closeHandler(v -> closed(session, channel));
  }

  private void acceptSockJS(SockJSSocket socket) {
    FrameChannel channel = new SockJSChannel(socket);
    Principal principal = socket.routingContext() == null ? Principal.ANONYMOUS
        : socket.routingContext().get(Principal.CONTEXT_KEY, Principal.ANONYMOUS);
    SubjectLimits.Slot slot;
    try {
      slot = admit(principal);
    } catch (GatewayException refused) {
      // SockJS has accepted the session already: refuse with an err frame, then close (1013: try again later).
      channel.write(BridgeFrames.refused(Failure.of(refused), null));
      channel.close((short) 1013, refused.code().code());
      return;
    }
    BridgeSession session = open(channel, principal, slot);
    socket.handler(session::onFrame);
    socket.exceptionHandler(session::onTransportError);
    socket.endHandler(v -> closed(session, channel));
  }

  private BridgeSession open(FrameChannel channel, Principal principal, SubjectLimits.Slot slot) {
    BridgeSession session = new BridgeSession(vertx, channel, config, permissions, meters, principal, slot,
        requests);
    sessions.add(session);
    meters.connectionOpened(channel.transport());
    return session;
  }

  private void closed(BridgeSession session, FrameChannel channel) {
    if (sessions.remove(session)) {
      session.onClose();
      meters.connectionClosed(channel.transport());
    }
  }

  private void sweep() {
    subjects.sweep();
    long now = System.nanoTime();
    for (BridgeSession session : Set.copyOf(sessions)) {
      if (session.closeOverdue(now)) {
        session.abort();
      } else if (session.isIdle(now)) {
        session.closeIdle();
      }
    }
  }
}
