package io.busbar.jobs.handlers;

import io.busbar.jobs.JobContext;
import io.busbar.jobs.JobHandler;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code hash}: CPU work. {@code {"data": "...", "iterations": N}} → {@code {"hash": hex SHA-256 applied N times}};
 * reports progress every 10% and stops when cancelled.
 */
public final class HashHandler implements JobHandler {

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public Object handle(JobContext context) {
    JsonObject payload = context.payloadObject();
    if (!(payload.getValue("data") instanceof String data)) {
      throw new IllegalArgumentException("payload.data: required, a string");
    }
    Object n = payload.getValue("iterations", 1);
    if (!(n instanceof Integer iterations) || iterations < 1 || iterations > 100_000_000) {
      throw new IllegalArgumentException("payload.iterations: a whole number from 1 to 100000000");
    }
    MessageDigest digest = sha256();
    byte[] value = digest.digest(data.getBytes(StandardCharsets.UTF_8));
    int tenth = Math.max(1, iterations / 10);
    for (int round = 1; round < iterations; round++) {
      value = digest.digest(value);
      if (round % tenth == 0) {
        context.checkCancelled();
        context.progress((double) round / iterations, null);
      }
    }
    String hash = HexFormat.of().formatHex(value);
    return new JsonObject().put("hash", hash).put("iterations", iterations);
  }
}
