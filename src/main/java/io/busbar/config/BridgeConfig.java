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
 */
public record BridgeConfig(int maxFrameBytes, long replyTimeoutMs, long idleTimeoutMs, int maxHandlersPerSocket,
    int maxAddressLength, List<AddressRule> inbound, List<AddressRule> outbound) {

  static BridgeConfig from(Conf c) {
    c.onlyKeys("maxFrameBytes", "replyTimeoutMs", "idleTimeoutMs", "maxHandlersPerSocket", "maxAddressLength",
        "inbound", "outbound");
    return new BridgeConfig(
        c.intIn("maxFrameBytes", 65_536, 256, 16 * 1024 * 1024),
        c.longIn("replyTimeoutMs", 30_000, 1, 3_600_000),
        c.longIn("idleTimeoutMs", 60_000, 0, 86_400_000),
        c.intIn("maxHandlersPerSocket", 1000, 1, 100_000),
        c.intIn("maxAddressLength", 200, 1, 10_000),
        AddressRule.parseAll(c.array("inbound"), c.key("inbound")),
        AddressRule.parseAll(c.array("outbound"), c.key("outbound")));
  }
}
