package io.busbar.web;

import io.busbar.cluster.ClusterClient;
import io.busbar.metrics.ClusterMeters;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * The gateway's requests to the bus (HTTP {@code /api/request} and bridge {@code send} with a reply address). A
 * request that fails with TIMEOUT or NO_HANDLERS because a node left the cluster (its message went to a dead node,
 * or the routes were being rebuilt) is sent once more, after its routes to dead nodes are removed; the client then
 * waits at most twice its timeout. Any other failure, or one no departed node explains, is reported as it is.
 */
public final class Requests {

  private final EventBus bus;
  private final ClusterClient cluster;
  private final ClusterMeters meters;

  public Requests(EventBus bus) {
    this.bus = bus;
    this.cluster = new ClusterClient(bus);
    this.meters = ClusterMeters.get();
  }

  /** Sends {@code body} to {@code address} and waits for the reply, trying once more as described above. */
  public Future<Message<Object>> request(String address, Object body, DeliveryOptions options) {
    long sentAt = System.currentTimeMillis();
    return bus.<Object>request(address, body, options).recover(failure -> cluster.retryAfter(address, sentAt, failure)
        .compose(retry -> {
          if (!retry) {
            return Future.failedFuture(failure);
          }
          meters.retried(((ReplyException) failure).failureType().name().toLowerCase());
          return bus.request(address, body, options);
        }));
  }
}
