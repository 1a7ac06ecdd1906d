package io.busbar.demo;

import io.busbar.bus.Addresses;
import io.busbar.bus.FailureCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@link Addresses.Demo#HASH}: CPU-bound work for a worker pool. {@code {"data": "...", "iterations": N}} → the hex
 * SHA-256 of {@code data}, applied N times (each round hashes the previous digest).
 */
public final class HashVerticle extends VerticleBase {

  /** Largest number of iterations one request may ask for. */
  public static final int MAX_ITERATIONS = 1_000_000;

  @Override
  public Future<?> start() {
    return vertx.eventBus().<Object>consumer(Addresses.Demo.HASH, HashVerticle::hash).completion();
  }

  private static void hash(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body) || !(body.getValue("data") instanceof String data)) {
      message.fail(FailureCode.BAD_REQUEST.code(), "data: required, a string");
      return;
    }
    Object iterations = body.getValue("iterations", 1);
    if (!(iterations instanceof Integer n) || n < 1 || n > MAX_ITERATIONS) {
      message.fail(FailureCode.BAD_REQUEST.code(), "iterations: a whole number from 1 to " + MAX_ITERATIONS);
      return;
    }
    message.reply(new JsonObject().put("hash", sha256(data, n)).put("iterations", n));
  }

  /** The hex SHA-256 of {@code data} applied {@code iterations} times. */
  public static String sha256(String data, int iterations) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] value = digest.digest(data.getBytes(StandardCharsets.UTF_8));
      for (int i = 1; i < iterations; i++) {
        value = digest.digest(value);
      }
      return HexFormat.of().formatHex(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
