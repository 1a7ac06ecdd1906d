package io.busbar.web.auth;

import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;

/**
 * The origin allow-list for WebSocket handshakes (against cross-site WebSocket hijacking): a browser request's
 * {@code Origin} must be the page's own origin (same host and port as the request), or in the list, or the list
 * holds {@code *}. Requests without an {@code Origin} header (services, command-line clients) are not browsers and
 * pass.
 */
public final class Origins {

  private final List<String> allowed;

  public Origins(List<String> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** True when a browser at {@code origin} may use this server reached as {@code host} ({@code Host} header). */
  public boolean allows(String origin, String host) {
    if (origin == null || allowed.contains("*") || allowed.contains(origin)) {
      return true;
    }
    try {
      URI uri = URI.create(origin);
      String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return host != null && (host.equalsIgnoreCase(originHost)
          || host.equalsIgnoreCase(uri.getHost() + ":" + ("https".equals(uri.getScheme()) ? 443 : 80)));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A route handler that refuses requests from origins that are not allowed with 403 {@code origin_not_allowed}. */
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (allows(origin, ctx.request().getHeader("Host"))) {
      ctx.next();
    } else {
      ctx.fail(new GatewayException(ErrorCode.ORIGIN_NOT_ALLOWED, "origin " + origin + " is not allowed"));
    }
  }
}
