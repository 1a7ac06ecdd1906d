package io.busbar.config;

/**
 * The HTTP API ({@code api.*}).
 *
 * @param defaultTimeoutMs reply timeout of {@code POST /api/request/{address}} without a {@code timeout} parameter
 * @param maxTimeoutMs largest {@code timeout} a caller may ask for
 * @param maxBodyBytes largest request body; larger gets 413
 * @param sseHeartbeatMs interval of the keep-alive comment on Server-Sent Event streams
 */
public record ApiConfig(long defaultTimeoutMs, long maxTimeoutMs, long maxBodyBytes, long sseHeartbeatMs) {

  static ApiConfig from(Conf c) {
    c.onlyKeys("defaultTimeoutMs", "maxTimeoutMs", "maxBodyBytes", "sseHeartbeatMs");
    long max = c.longIn("maxTimeoutMs", 300_000, 1, 3_600_000);
    long dflt = c.longIn("defaultTimeoutMs", 30_000, 1, max);
    return new ApiConfig(dflt, max, c.longIn("maxBodyBytes", 1_048_576, 256, 256L * 1024 * 1024),
        c.longIn("sseHeartbeatMs", 15_000, 100, 3_600_000));
  }
}
