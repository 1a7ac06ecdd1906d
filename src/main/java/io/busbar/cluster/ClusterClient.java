package io.busbar.cluster;

import io.busbar.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The node's cluster service ({@link ClusterVerticle}) as other features use it, over the local event bus.
 * Where the service is not deployed, {@link #view()} fails with NO_HANDLERS and {@link #retryAfter} answers false.
 */
public final class ClusterClient {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000);

  private final EventBus bus;

  public ClusterClient(EventBus bus) {
    this.bus = bus;
  }

  /** The cluster as this node sees it (see {@link Addresses.Cluster#VIEW}). */
  public Future<JsonObject> view() {
    return view(LOCAL);
  }

  /** As {@link #view()}, failing with TIMEOUT after {@code timeoutMs}. */
  public Future<JsonObject> view(long timeoutMs) {
    return view(new DeliveryOptions(LOCAL).setSendTimeout(timeoutMs));
  }

  private Future<JsonObject> view(DeliveryOptions options) {
    return bus.<JsonObject>request(Addresses.Cluster.VIEW, null, options).map(Message::body);
  }

  /**
   * Whether a request to {@code address}, sent at {@code sentAt} (epoch ms) and failed with {@code failure}, should
   * be sent once more: only TIMEOUT and NO_HANDLERS failures, and only when a node that left explains them (its
   * routes to {@code address} were found and removed, routes of gone nodes were removed just before the request or
   * since, or a member left while the request was in flight; see {@code RouteHealer.heal}).
   */
  public Future<Boolean> retryAfter(String address, long sentAt, Throwable failure) {
    if (!(failure instanceof ReplyException r)
        || r.failureType() != ReplyFailure.TIMEOUT && r.failureType() != ReplyFailure.NO_HANDLERS) {
      return Future.succeededFuture(false);
    }
    return bus.<JsonObject>request(Addresses.Cluster.HEAL, new JsonObject().put("address", address).put("sentAt", sentAt),
            LOCAL)
        .map(reply -> reply.body().getBoolean("retry", false))
        .otherwise(false);
  }
}
