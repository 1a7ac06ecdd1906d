package io.busbar.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who sent a message that came from outside, as the gateway puts it in message headers: {@code busbar-subject} and
 * {@code busbar-authorities} (comma-separated). The gateway removes every {@code busbar-*} header a client sends and
 * sets these itself, so a client cannot forge them. A message without them came from inside the node or cluster and
 * is trusted.
 *
 * @param subject who the client is ({@code anonymous} without credentials)
 * @param authorities what the client may do
 */
public record Identity(String subject, Set<String> authorities) {

  /** Prefix of the headers Busbar reserves. */
  public static final String HEADER_PREFIX = "busbar-";
  public static final String SUBJECT = "busbar-subject";
  public static final String AUTHORITIES = "busbar-authorities";

  /** True when {@code authority} is held. */
  public boolean has(String authority) {
    return authorities.contains(authority);
  }

  /** Adds this identity's headers to {@code options}, after removing any {@code busbar-*} header it had. */
  public DeliveryOptions stamp(DeliveryOptions options) {
    MultiMap headers = withoutReserved(options.getHeaders());
    headers.set(SUBJECT, subject).set(AUTHORITIES, authorities.isEmpty() ? ""
        : String.join(",", new TreeSet<>(authorities)));
    return options.setHeaders(headers);
  }

  /**
   * True for a header Busbar reserves ({@code busbar-*}, any case). They are for the services a message reaches,
   * never for clients: the gateway leaves them out of what it delivers to WebSocket and SSE clients, so that a
   * subscriber does not learn who published, nor a client the identity a service echoes back.
   */
  public static boolean isReserved(String header) {
    return header.regionMatches(true, 0, HEADER_PREFIX, 0, HEADER_PREFIX.length());
  }

  /** A copy of {@code headers} (which may be null) without the {@link #isReserved reserved} ones. */
  public static MultiMap withoutReserved(MultiMap headers) {
    MultiMap kept = MultiMap.caseInsensitiveMultiMap();
    if (headers != null) {
      headers.forEach((name, value) -> {
        if (!isReserved(name)) {
          kept.add(name, value);
        }
      });
    }
    return kept;
  }

  /** The identity in {@code headers}, or null for a trusted message from inside. */
  public static Identity of(MultiMap headers) {
    String subject = headers.get(SUBJECT);
    if (subject == null) {
      return null;
    }
    String list = headers.get(AUTHORITIES);
    return new Identity(subject, list == null || list.isEmpty() ? Set.of()
        : Set.copyOf(Arrays.asList(list.split(","))));
  }
}
