package io.busbar.bus;

/**
 * Every event-bus address Busbar uses. No address literal appears anywhere else.
 *
 * <p>Addresses starting with {@code __} are internal ({@code __vertx.*} belongs to Vert.x, {@code __busbar.*} to
 * Busbar's control plane): the gateway never lets a client reach them, whatever the permission rules say.
 */
public final class Addresses {

  /** Prefix shared by all internal addresses. */
  public static final String INTERNAL_PREFIX = "__";

  private Addresses() {
  }

  /** True for addresses that no outside client may send to, publish to or listen on. */
  public static boolean isInternal(String address) {
    return address.startsWith(INTERNAL_PREFIX);
  }

  /** Busbar's node-local control plane. */
  public static final class Node {
    /**
     * Request, empty body, local to the node. Replies with the node's status:
     * {@code {"ready": bool, "deployments": [{"name", "verticle", "instances", "threading"}]}}.
     */
    public static final String STATUS = "__busbar.node.status";

    private Node() {
    }
  }

  /** The demonstration services deployed by the default descriptors. */
  public static final class Demo {
    /** Request on the event loop: replies with the request's body unchanged. */
    public static final String ECHO = "demo.echo";
    /**
     * Request served by a worker on the {@code cpu} pool: {@code {"data": string, "iterations": 1..1000000}} →
     * {@code {"hash": hex SHA-256 applied iterations times, "iterations"}}. Fails 400 on bad input.
     */
    public static final String HASH = "demo.hash";
    /**
     * Request served by a worker on the {@code io} pool that blocks for {@code {"ms": 0..60000}} milliseconds,
     * standing for blocking I/O; replies {@code {"sleptMs"}}. Fails 400 on bad input.
     */
    public static final String SLEEP = "demo.sleep";
    /** Publish, once per interval (default one second): {@code {"seq": n, "time": epoch ms}}. */
    public static final String TICKS = "demo.ticks";

    private Demo() {
    }
  }
}
