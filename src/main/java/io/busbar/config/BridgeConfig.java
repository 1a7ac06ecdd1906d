package io.busbar.config;

import java.util.List;

/**
 * The event-bus bridge over WebSocket and SockJS ({@code bridge.*}), and the permission rules that HTTP shares.
 *
 * @param maxFrameBytes largest inbound frame accepted; larger ones get an {@code err} frame {@code frame_too_large}
 * @param replyTimeoutMs how long a client's request waits for a reply before an {@code err} with TIMEOUT
 * @param idleTimeoutMs a socket that sends nothing (not even a ping) for this long is closed; 0 disables
 * @param maxHandlersPerSocket addresses one socket may register
 * @param maxAddressLength longest address accepted in a frame or a URL
 * @param inbound addresses clients may send and publish to (deny by default)
 * @param outbound addresses clients may register on and subscribe to (deny by default)
 * @param maxConnections bridge connections a node accepts at once (WebSocket and SockJS together)
 * @param maxInFlight requests one connection may have waiting for their replies
 * @param ratePerSecond frames one connection may send per second on average (a token bucket); 0 for no limit
 * @param rateBurst frames one connection may send at once above the average
 * @param maxRateViolations a connection refused this many frames in a row for its rate (or its subject's) is closed
 * @param slowConsumer what happens to messages for a client that does not read fast enough: {@code drop} them
 *     (counted; the client is told once with an {@code err} frame {@code slow_consumer}) or {@code close} it
 * @param maxConnectionsPerSubject bridge connections one subject (a JWT's {@code sub}, an API key's subject) may hold
 *     on a node at once; 0 for no limit. Anonymous clients are not counted per subject.
 * @param subjectRatePerSecond frames per second, on average, that all of one subject's connections on a node may
 *     send together (one token bucket shared by them); 0 for no limit
 * @param subjectRateBurst frames a subject's connections may send at once above that average
 * @param maxQueuedBytes bytes that may wait to be written to one raw WebSocket before it counts as a slow consumer:
 *     the burst a reading client absorbs, and the most a slow one holds (Vert.x's write queue high-water mark;
 *     SockJS sessions keep vertx-web's own bound)
 * @param closeTimeoutMs how long a connection that the server closes (slow consumer, idle, abuse) has to complete
 *     the closing handshake before it is dropped: a client that does not read never sees the close frame
 */
public record BridgeConfig(int maxFrameBytes, long replyTimeoutMs, long idleTimeoutMs, int maxHandlersPerSocket,
    int maxAddressLength, List<AddressRule> inbound, List<AddressRule> outbound, int maxConnections, int maxInFlight,
    int ratePerSecond, int rateBurst, int maxRateViolations, SlowConsumerPolicy slowConsumer,
    int maxConnectionsPerSubject, int subjectRatePerSecond, int subjectRateBurst, int maxQueuedBytes,
    long closeTimeoutMs) {

  /** What to do with messages for a client that does not read them fast enough. */
  public enum SlowConsumerPolicy {
    DROP, CLOSE
  }

  static BridgeConfig from(Conf c) {
    c.onlyKeys("maxFrameBytes", "replyTimeoutMs", "idleTimeoutMs", "maxHandlersPerSocket", "maxAddressLength",
        "inbound", "outbound", "maxConnections", "maxInFlight", "ratePerSecond", "rateBurst", "maxRateViolations",
        "slowConsumer", "maxConnectionsPerSubject", "subjectRatePerSecond", "subjectRateBurst", "maxQueuedBytes",
        "closeTimeoutMs");
    String slow = c.string("slowConsumer", "drop");
    if (!slow.equals("drop") && !slow.equals("close")) {
      throw new ConfigException(c.key("slowConsumer"), "must be drop or close, got " + Conf.describe(slow));
    }
    int rate = c.intIn("ratePerSecond", 10_000, 0, 10_000_000);
    int subjectRate = c.intIn("subjectRatePerSecond", 50_000, 0, 100_000_000);
    return new BridgeConfig(
        c.intIn("maxFrameBytes", 65_536, 256, 16 * 1024 * 1024),
        c.longIn("replyTimeoutMs", 30_000, 1, 3_600_000),
        c.longIn("idleTimeoutMs", 60_000, 0, 86_400_000),
        c.intIn("maxHandlersPerSocket", 1000, 1, 100_000),
        c.intIn("maxAddressLength", 200, 1, 10_000),
        AddressRule.parseAll(c.array("inbound"), c.key("inbound")),
        AddressRule.parseAll(c.array("outbound"), c.key("outbound")),
        c.intIn("maxConnections", 20_000, 1, 10_000_000), c.intIn("maxInFlight", 256, 1, 1_000_000), rate,
        c.intIn("rateBurst", Math.max(1, rate * 2), 1, 100_000_000), c.intIn("maxRateViolations", 100, 1, 1_000_000),
        SlowConsumerPolicy.valueOf(slow.toUpperCase()), c.intIn("maxConnectionsPerSubject", 1000, 0, 10_000_000),
        subjectRate, c.intIn("subjectRateBurst", Math.max(1, subjectRate * 2), 1, 1_000_000_000),
        c.intIn("maxQueuedBytes", 1024 * 1024, 16 * 1024, 256 * 1024 * 1024),
        c.longIn("closeTimeoutMs", 5_000, 100, 600_000));
  }

  /**
   * Where the WebSocket layer itself cuts a message or a frame: 4 × {@code maxFrameBytes}, at least 256 KiB. Frames
   * between {@code maxFrameBytes} and this get an {@code err} frame; beyond it, a close.
   */
  public int transportLimitBytes() {
    return Math.max(maxFrameBytes * 4, 256 * 1024);
  }
}
