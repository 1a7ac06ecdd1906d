package io.busbar.web.ws;

import io.busbar.config.BridgeConfig;
import io.busbar.metrics.GatewayMeters;
import io.busbar.web.auth.Principal;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits that all of a subject's bridge connections on this node share, across every gateway verticle
 * instance: how many connections it may hold ({@code bridge.maxConnectionsPerSubject}) and one token bucket for
 * the frames of all of them ({@code bridge.subjectRatePerSecond}, {@code bridge.subjectRateBurst}). A subject is an
 * authenticated identity: a JWT's {@code sub} or an API key's subject. Anonymous clients have none and are not
 * limited here: the per-connection limits and {@code bridge.maxConnections} bound them.
 *
 * <p>A subject is remembered while it has connections, and after its last one closes until its bucket has
 * refilled, so that closing and reopening sockets does not refill the bucket sooner; {@link #sweep()} forgets the
 * others. Thread-safe: connections on different event loops share a subject.
 */
public final class SubjectLimits implements Shareable {

  private static final String SHARED_MAP = "busbar.gateway.subjects";

  private final BridgeConfig config;
  private final GatewayMeters meters;
  private final ConcurrentHashMap<String, Subject> subjects = new ConcurrentHashMap<>();

  private SubjectLimits(BridgeConfig config, GatewayMeters meters) {
    this.config = config;
    this.meters = meters;
  }

  /** The node's instance, shared by all its gateway verticle instances (the first one's config holds). */
  public static SubjectLimits of(Vertx vertx, BridgeConfig config, GatewayMeters meters) {
    return vertx.sharedData().<String, SubjectLimits>getLocalMap(SHARED_MAP)
        .computeIfAbsent("limits", k -> new SubjectLimits(config, meters));
  }

  /** One subject's connection count (changed only inside the map's atomic compute) and shared bucket. */
  private static final class Subject {

    private final TokenBucket bucket;
    private int connections;

    Subject(BridgeConfig config) {
      this.bucket = new TokenBucket(config.subjectRatePerSecond(), config.subjectRateBurst(), System.nanoTime());
    }

    synchronized boolean tryTake(long nowNanos) {
      return bucket.tryTake(nowNanos);
    }

    synchronized boolean isForgettable(long nowNanos) {
      return connections == 0 && bucket.isFull(nowNanos);
    }
  }

  /** A connection's share of its subject's limits. Release it exactly when the connection ends. */
  public final class Slot {

    private final String name;
    private final Subject subject;
    private boolean released;

    private Slot(String name, Subject subject) {
      this.name = name;
      this.subject = subject;
    }

    /** Takes a token of the subject's shared bucket; false when its rate is exceeded. Always true for anonymous. */
    boolean tryTake(long nowNanos) {
      return subject == null || subject.tryTake(nowNanos);
    }

    /** Gives the connection back to its subject; later calls do nothing. */
    void release() {
      if (subject != null && !released) {
        released = true;
        SubjectLimits.this.release(name);
      }
    }
  }

  /**
   * Counts a new connection of {@code principal}'s subject, or refuses it with
   * {@code max_connections_per_subject_reached} when the subject already holds as many as it may.
   */
  Slot acquire(Principal principal) {
    if (principal.anonymous()) {
      return new Slot(null, null);
    }
    String name = principal.identity().subject();
    int max = config.maxConnectionsPerSubject();
    Subject subject = subjects.compute(name, (k, held) -> {
      Subject s = held != null ? held : new Subject(config);
      if (max > 0 && s.connections >= max) {
        throw new GatewayException(ErrorCode.MAX_CONNECTIONS_PER_SUBJECT_REACHED,
            "this subject already holds " + max + " bridge connections on this node, the most it may");
      }
      if (s.connections++ == 0) {
        meters.subjectConnected();
      }
      return s;
    });
    return new Slot(name, subject);
  }

  private void release(String name) {
    long now = System.nanoTime();
    subjects.computeIfPresent(name, (k, s) -> {
      if (--s.connections == 0) {
        meters.subjectDisconnected();
      }
      return s.isForgettable(now) ? null : s;
    });
  }

  /** Forgets subjects without connections whose bucket has refilled (nothing would tell them from new ones). */
  void sweep() {
    long now = System.nanoTime();
    for (String name : subjects.keySet()) {
      subjects.computeIfPresent(name, (k, s) -> s.isForgettable(now) ? null : s);
    }
  }
}
