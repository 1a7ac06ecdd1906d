package io.busbar.web.errors;

import io.busbar.bus.RetryAfter;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every HTTP error of the gateway as {@code {"error": "<code>", "message": "..."}} with the status that
 * {@link Failure} chooses, including the router's own 404/405/413 and the HTTP server's 400/414/431 for requests it
 * cannot decode.
 */
public final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {
  }

  /** Installs the JSON error responses on {@code router}. */
  public static void install(Router router) {
    router.route().failureHandler(HttpErrors::onFailure);
    router.errorHandler(404, ctx -> send(ctx, ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path()));
    router.errorHandler(405, ctx -> send(ctx, ErrorCode.METHOD_NOT_ALLOWED,
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
  }

  /**
   * Answers a request that the HTTP server could not decode, before any route sees it: a request line over the
   * server's limit (414 {@code uri_too_long}), headers over it (431 {@code headers_too_large}), or malformed HTTP
   * (400 {@code bad_request}). The connection is closed afterwards, as Vert.x's default handler does, since what
   * follows on it cannot be trusted.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    GatewayException error = cause instanceof TooLongHttpLineException
        ? new GatewayException(ErrorCode.URI_TOO_LONG, "the request line is longer than this server accepts")
        : cause instanceof TooLongHttpHeaderException
            ? new GatewayException(ErrorCode.HEADERS_TOO_LARGE, "the request headers are larger than this server accepts")
            : new GatewayException(ErrorCode.BAD_REQUEST, "the request is not valid HTTP");
    Failure failure = Failure.of(error);
    request.response().setStatusCode(failure.status()).putHeader("Content-Type", "application/json")
        .end(failure.toHttpBody().encode()).onComplete(v -> request.connection().close());
  }

  /** Answers {@code ctx} with the failure that {@code error} maps to. */
  public static void respond(RoutingContext ctx, Throwable error) {
    Failure failure = Failure.of(error);
    if (failure.isInternal()) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), error);
    }
    write(ctx, failure);
  }

  private static void onFailure(RoutingContext ctx) {
    if (ctx.failure() != null) {
      respond(ctx, ctx.failure());
      return;
    }
    ErrorCode code = switch (ctx.statusCode()) {
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.BODY_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 400 -> ErrorCode.INVALID_PARAMETER;
      default -> ErrorCode.INTERNAL_ERROR;
    };
    send(ctx, code, code == ErrorCode.BODY_TOO_LARGE ? "the request body is too large" : code.code().replace('_', ' '));
  }

  private static void send(RoutingContext ctx, ErrorCode code, String message) {
    write(ctx, Failure.of(new GatewayException(code, message)));
  }

  private static void write(RoutingContext ctx, Failure failure) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    long retryAfterMs = RetryAfter.parse(failure.message());
    if (retryAfterMs >= 0) {
      response.putHeader("Retry-After", String.valueOf((retryAfterMs + 999) / 1000));
    }
    response.setStatusCode(failure.status()).putHeader("Content-Type", "application/json")
        .end(failure.toHttpBody().encode());
  }
}
