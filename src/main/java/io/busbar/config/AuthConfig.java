package io.busbar.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who a client is ({@code auth.*}). Credentials, in order: {@code Authorization: Bearer <JWT>},
 * {@code X-API-Key: <key>}, or the query parameter {@code queryParam} (for browsers' WebSocket handshakes, which
 * cannot set headers). A request without credentials is anonymous, allowed only when {@code anonymous} is true.
 *
 * @param anonymous whether clients without credentials are served (with no authorities)
 * @param queryParam query parameter that may carry a JWT or an API key
 * @param jwtKeys keys that sign accepted JWTs: {@code [{"algorithm": "HS256", "secret": "…"}]} or
 *     {@code [{"algorithm": "RS256"|"ES256"|…, "publicKey": "-----BEGIN PUBLIC KEY-----…"}]}
 * @param jwksFile a JWKS file whose keys are also accepted, or null
 * @param issuer required {@code iss} claim, or null
 * @param audience accepted {@code aud} values (any one), or empty
 * @param authoritiesClaim the claim listing a JWT holder's authorities
 * @param leewaySeconds clock skew tolerated on {@code exp}/{@code nbf}
 * @param apiKeys static keys for services: {@code [{"key", "subject", "authorities": [...]}]}
 */
public record AuthConfig(boolean anonymous, String queryParam, List<JwtKey> jwtKeys, String jwksFile,
    String issuer, List<String> audience, String authoritiesClaim, int leewaySeconds, List<ApiKey> apiKeys) {

  /** A static API key: the key itself, and who presents it. */
  public record ApiKey(Secret key, String subject, Set<String> authorities) {
  }

  /**
   * A key that signs accepted JWTs.
   *
   * @param algorithm HS256/384/512, RS*, ES*, PS* or EdDSA
   * @param key the HMAC secret (HS*), or the public key in PEM (the others); shown as {@code ***} either way
   */
  public record JwtKey(String algorithm, Secret key) {
  }

  /** True when JWTs are accepted. */
  public boolean jwtEnabled() {
    return !jwtKeys.isEmpty() || jwksFile != null;
  }

  static AuthConfig from(Conf c) {
    c.onlyKeys("anonymous", "queryParam", "jwt", "apiKeys");
    Conf jwt = c.section("jwt").onlyKeys("keys", "jwksFile", "issuer", "audience", "authoritiesClaim", "leewaySeconds");
    List<JwtKey> keys = new ArrayList<>();
    JsonArray keysJson = jwt.array("keys");
    for (int i = 0; i < keysJson.size(); i++) {
      String key = jwt.key("keys") + "[" + i + "]";
      if (!(keysJson.getValue(i) instanceof JsonObject k)) {
        throw new ConfigException(key, "must be an object {\"algorithm\", \"secret\" or \"publicKey\"}");
      }
      Conf kc = Conf.of(k, key).onlyKeys("algorithm", "secret", "publicKey");
      String algorithm = kc.string("algorithm", null);
      if (algorithm == null || !algorithm.matches("(HS|RS|ES|PS)(256|384|512)|EdDSA")) {
        throw new ConfigException(kc.key("algorithm"), "required: HS256/384/512, RS*, ES*, PS* or EdDSA");
      }
      boolean hmac = algorithm.startsWith("HS");
      Secret material = kc.secret(hmac ? "secret" : "publicKey");
      if (material.isEmpty()) {
        throw new ConfigException(kc.key(hmac ? "secret" : "publicKey"), "required for " + algorithm);
      }
      keys.add(new JwtKey(algorithm, material));
    }
    List<String> audience = new ArrayList<>();
    jwt.array("audience").forEach(a -> audience.add(String.valueOf(a)));
    List<ApiKey> apiKeys = new ArrayList<>();
    JsonArray apiKeysJson = c.array("apiKeys");
    for (int i = 0; i < apiKeysJson.size(); i++) {
      String key = c.key("apiKeys") + "[" + i + "]";
      if (!(apiKeysJson.getValue(i) instanceof JsonObject k)) {
        throw new ConfigException(key, "must be an object {\"key\", \"subject\", \"authorities\"}");
      }
      Conf kc = Conf.of(k, key).onlyKeys("key", "subject", "authorities");
      Secret secret = kc.secret("key");
      if (secret.reveal().length() < 16) {
        throw new ConfigException(kc.key("key"), "required: at least 16 characters");
      }
      List<String> authorities = new ArrayList<>();
      kc.array("authorities").forEach(a -> authorities.add(String.valueOf(a)));
      apiKeys.add(new ApiKey(secret, kc.string("subject", "api-key-" + i), Set.copyOf(authorities)));
    }
    return new AuthConfig(c.bool("anonymous", true), c.string("queryParam", "access_token"), List.copyOf(keys),
        jwt.has("jwksFile") ? jwt.string("jwksFile", null) : null, jwt.has("issuer") ? jwt.string("issuer", null) : null,
        List.copyOf(audience), jwt.string("authoritiesClaim", "permissions"), jwt.intIn("leewaySeconds", 30, 0, 3600),
        List.copyOf(apiKeys));
  }
}
