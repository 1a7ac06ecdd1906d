package io.busbar.web.auth;

import io.busbar.bus.Identity;
import java.util.Set;

/**
 * An authenticated (or anonymous) client of the gateway.
 *
 * @param identity who it is and what it may do
 * @param expiresAtMs when its credentials expire, epoch ms, or {@link Long#MAX_VALUE}
 */
public record Principal(Identity identity, long expiresAtMs) {

  /** A client without credentials. */
  public static final Principal ANONYMOUS = new Principal(new Identity("anonymous", Set.of()), Long.MAX_VALUE);

  /** Key of the principal in a request's routing context. */
  public static final String CONTEXT_KEY = "busbar.principal";

  /**
   * True for the principal of a request without credentials. Compared by identity: a token whose subject happens to
   * be "anonymous" is not anonymous.
   */
  public boolean anonymous() {
    return this == ANONYMOUS;
  }

  public boolean has(String authority) {
    return identity.has(authority);
  }
}
