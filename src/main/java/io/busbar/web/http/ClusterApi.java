package io.busbar.web.http;

import io.busbar.cluster.ClusterClient;
import io.busbar.web.errors.HttpErrors;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/cluster}: the cluster as this node sees it, {@code {"clustered", "self", "active", "members",
 * "nodes": [{"id", "name", "roles", "host", "gateway", "startedAt", "updatedAt", "load": {...}, "self"}]}} (see
 * {@code io.busbar.cluster.NodeEntry}); a node that is not clustered lists itself alone, with the id {@code local}.
 */
public final class ClusterApi {

  private final ClusterClient cluster;

  public ClusterApi(ClusterClient cluster) {
    this.cluster = cluster;
  }

  public void mount(Router router) {
    router.get("/api/cluster").handler(this::view);
  }

  private void view(RoutingContext ctx) {
    cluster.view().onSuccess(view -> ctx.response().putHeader("Content-Type", "application/json").end(view.encode()))
        .onFailure(e -> HttpErrors.respond(ctx, e));
  }
}
