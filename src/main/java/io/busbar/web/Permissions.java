package io.busbar.web;

import io.busbar.bus.Addresses;
import io.busbar.bus.Identity;
import io.busbar.config.AddressRule;
import io.busbar.config.BridgeConfig;
import io.busbar.web.errors.ErrorCode;
import io.busbar.web.errors.GatewayException;
import java.util.List;

/**
 * Who may use which address from outside, for WebSocket and HTTP alike. Deny by default: an address is usable only
 * when a rule matches it and the client holds the rule's authority, if it names one. Internal addresses ({@link Addresses#isInternal}) are refused whatever the rules say.
 *
 * <p>Inbound rules cover what clients send and publish (bridge {@code send}/{@code publish}, HTTP
 * request/send/publish); outbound rules cover what clients listen to (bridge {@code register}, HTTP subscribe).
 */
public final class Permissions {

  private final List<AddressRule> inbound;
  private final List<AddressRule> outbound;
  private final int maxAddressLength;

  public Permissions(List<AddressRule> inbound, List<AddressRule> outbound, int maxAddressLength) {
    this.inbound = List.copyOf(inbound);
    this.outbound = List.copyOf(outbound);
    this.maxAddressLength = maxAddressLength;
  }

  public static Permissions from(BridgeConfig config) {
    return new Permissions(config.inbound(), config.outbound(), config.maxAddressLength());
  }

  /** True when {@code client} may send or publish to {@code address}. */
  public boolean canSend(String address, Identity client) {
    return allowed(inbound, address, client);
  }

  /** True when {@code client} may receive what is published or sent to {@code address}. */
  public boolean canReceive(String address, Identity client) {
    return allowed(outbound, address, client);
  }

  /** Throws unless {@code client} may send or publish to {@code address}. */
  public void checkSend(String address, Identity client) {
    checkLength(address);
    if (!canSend(address, client)) {
      throw new GatewayException(ErrorCode.ACCESS_DENIED, "sending to \"" + address + "\" is not permitted");
    }
  }

  /** Throws unless {@code client} may listen on {@code address}. */
  public void checkReceive(String address, Identity client) {
    checkLength(address);
    if (!canReceive(address, client)) {
      throw new GatewayException(ErrorCode.ACCESS_DENIED, "listening on \"" + address + "\" is not permitted");
    }
  }

  private void checkLength(String address) {
    if (address.length() > maxAddressLength) {
      throw new GatewayException(ErrorCode.MAX_ADDRESS_LENGTH_REACHED,
          "the address is longer than " + maxAddressLength + " characters");
    }
  }

  private static boolean allowed(List<AddressRule> rules, String address, Identity client) {
    if (address.isEmpty() || Addresses.isInternal(address)) {
      return false;
    }
    for (AddressRule rule : rules) {
      if (rule.matches(address) && (rule.authority() == null || client.has(rule.authority()))) {
        return true;
      }
    }
    return false;
  }
}
