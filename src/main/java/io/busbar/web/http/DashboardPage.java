package io.busbar.web.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard: a static page served from the jar ({@code webroot/} on the classpath) at {@code /}. It talks to the
 * node only as any client does, over the bridge WebSocket and the HTTP API, so it holds no privilege of its own.
 * Every asset comes from the jar; the content security policy keeps it that way (no inline script, no other origin).
 */
public final class DashboardPage {

  static final String WEBROOT = "webroot";
  private static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
      + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  /** Paths of the page's files: other paths keep the router's own answers (404, and 405 for a wrong method). */
  private static final String FILES = "/(|index\\.html|favicon\\.svg|(css|js)/[A-Za-z0-9._-]+)";

  /** Mounts the page at {@code /} and its assets. */
  public void mount(Router router) {
    StaticHandler files = StaticHandler.create(WEBROOT).setIndexPage("index.html")
        // Small files, read from the jar: no caching, so an upgraded node never serves a stale page.
        .setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false);
    router.routeWithRegex(FILES).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(DashboardPage::secure)
        .handler(files);
  }

  private static void secure(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", POLICY).putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer").putHeader("Cache-Control", "no-cache");
    ctx.next();
  }
}
