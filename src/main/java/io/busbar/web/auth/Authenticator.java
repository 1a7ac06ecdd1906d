package io.busbar.web.auth;

import io.busbar.bus.Identity;
import io.busbar.config.AuthConfig;
import io.busbar.config.ConfigException;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds out who a request comes from, once per HTTP request or WebSocket handshake, and puts the {@link Principal}
 * in the routing context. Credentials: {@code Authorization: Bearer <JWT>}, {@code X-API-Key}, or the configured
 * query parameter (a JWT or an API key). Bad or expired credentials get 401 {@code unauthorized}; none get 401
 * unless anonymous access is configured. Secrets are never logged.
 */
public final class Authenticator {

  private final AuthConfig config;
  private final JWTAuth jwt;

  private Authenticator(AuthConfig config, JWTAuth jwt) {
    this.config = config;
    this.jwt = jwt;
  }

  /** Builds the authenticator; reading the JWKS file is blocking (start-up only). */
  public static Authenticator create(Vertx vertx, AuthConfig config) {
    if (!config.jwtEnabled()) {
      return new Authenticator(config, null);
    }
    JWTAuthOptions options = new JWTAuthOptions();
    for (AuthConfig.JwtKey key : config.jwtKeys()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.key().reveal()));
    }
    if (config.jwksFile() != null) {
      try {
        JsonArray keys = new JsonObject(Files.readString(Path.of(config.jwksFile()))).getJsonArray("keys");
        keys.forEach(k -> options.addJwk((JsonObject) k));
      } catch (Exception e) {
        throw new ConfigException("auth.jwt.jwksFile", "cannot read a JWKS ({\"keys\": [...]}) from "
            + config.jwksFile() + ": " + ConfigException.unreadable(e));
      }
    }
    JWTOptions jwtOptions = new JWTOptions().setLeeway(config.leewaySeconds());
    if (config.issuer() != null) {
      jwtOptions.setIssuer(config.issuer());
    }
    if (!config.audience().isEmpty()) {
      jwtOptions.setAudience(config.audience());
    }
    return new Authenticator(config, JWTAuth.create(vertx, options.setJWTOptions(jwtOptions)));
  }

  /** A route handler that authenticates the request and continues, or answers 401. */
  public void handle(RoutingContext ctx) {
    authenticate(ctx.request()).onSuccess(principal -> {
      ctx.put(Principal.CONTEXT_KEY, principal);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** The principal of a request, or a failed future with an {@code unauthorized} GatewayException. */
  public Future<Principal> authenticate(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return token(authorization.substring(7).trim());
    }
    String apiKey = request.getHeader("X-API-Key");
    if (apiKey != null) {
      return apiKey(apiKey);
    }
    String param = request.getParam(config.queryParam());
    if (param != null) {
      return param.chars().filter(c -> c == '.').count() == 2 ? token(param) : apiKey(param);
    }
    return config.anonymous() ? Future.succeededFuture(Principal.ANONYMOUS)
        : Future.failedFuture(unauthorized("credentials required: a bearer token or an API key"));
  }

  private Future<Principal> token(String token) {
    if (jwt == null) {
      return Future.failedFuture(unauthorized("bearer tokens are not accepted here"));
    }
    return jwt.authenticate(new TokenCredentials(token)).recover(e -> Future.failedFuture(
        unauthorized("invalid or expired token"))).map(user -> {
          JsonObject claims = user.principal();
          Set<String> authorities = new HashSet<>();
          Object claim = claims.getValue(config.authoritiesClaim());
          if (claim instanceof JsonArray list) {
            list.forEach(a -> authorities.add(String.valueOf(a)));
          } else if (claim instanceof String s) {
            authorities.addAll(Set.of(s.split("[ ,]+")));
          }
          // vertx-auth keeps the token's timestamps among the user's attributes.
          Long exp = claims.containsKey("exp") ? claims.getLong("exp") : user.attributes().getLong("exp");
          return new Principal(new Identity(claims.getString("sub", "jwt"), Set.copyOf(authorities)),
              exp == null ? Long.MAX_VALUE : exp * 1000);
        });
  }

  private Future<Principal> apiKey(String presented) {
    byte[] given = presented.getBytes(StandardCharsets.UTF_8);
    AuthConfig.ApiKey found = null;
    for (AuthConfig.ApiKey key : config.apiKeys()) {
      // Compare with every key in constant time, so timing tells nothing about near misses.
      if (MessageDigest.isEqual(given, key.key().reveal().getBytes(StandardCharsets.UTF_8))) {
        found = key;
      }
    }
    return found == null ? Future.failedFuture(unauthorized("unknown API key"))
        : Future.succeededFuture(new Principal(new Identity(found.subject(), found.authorities()), Long.MAX_VALUE));
  }

  private static GatewayException unauthorized(String message) {
    return new GatewayException(ErrorCode.UNAUTHORIZED, message);
  }
}
