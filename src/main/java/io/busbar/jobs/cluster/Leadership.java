package io.busbar.jobs.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.busbar.cluster.ClusterView;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one scheduler of a cluster among the nodes that may schedule. The leader is named in a replicated map
 * entry, {@code {"node", "epoch"}}, taken with atomic map operations: a candidate takes a vacant entry, or one that
 * names a node which is no longer a member, and raises the epoch. Candidates look again when the membership
 * changes and every {@code checkMs}. The epoch orders leaders: leases given by a later leader are above every
 * lease of an earlier one. A leader that finds the entry naming another node steps down; one that stops hands
 * the entry back vacant, so a successor takes over at once.
 */
public final class Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
  static final String MAP = "busbar.jobs.meta";
  static final String KEY = "leader";

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hazelcast;
  private final String nodeId;
  private final long checkMs;
  private final LongConsumer onElected;
  private final Runnable onDeposed;
  private ClusterView.Subscription membership;
  private long timer = -1;
  private long epoch = -1;
  private boolean checking;
  private boolean stopped;

  public Leadership(Vertx vertx, Context context, HazelcastInstance hazelcast, String nodeId, long checkMs,
      LongConsumer onElected, Runnable onDeposed) {
    this.vertx = vertx;
    this.context = context;
    this.hazelcast = hazelcast;
    this.nodeId = nodeId;
    this.checkMs = checkMs;
    this.onElected = onElected;
    this.onDeposed = onDeposed;
  }

  public void start() {
    membership = ClusterView.of(vertx).listen(context, new ClusterView.Listener() {
      @Override
      public void memberRemoved(String nodeId) {
        check();
      }
    });
    timer = vertx.setPeriodic(checkMs, t -> check());
    check();
  }

  public boolean isLeader() {
    return epoch >= 0;
  }

  private void check() {
    if (checking || stopped) {
      return;
    }
    checking = true;
    vertx.executeBlocking(this::look).onComplete(ar -> {
      checking = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("could not read the scheduler's leadership: {}", ar.cause().toString());
        return;
      }
      long seen = ar.result();
      if (seen >= 0 && epoch < 0) {
        epoch = seen;
        LOG.info("this node is the cluster's job scheduler (epoch {})", seen);
        onElected.accept(seen);
      } else if (seen < 0 && epoch >= 0) {
        LOG.warn("this node is no longer the cluster's job scheduler (epoch {})", epoch);
        epoch = -1;
        onDeposed.run();
      }
    });
  }

  /** Blocking: the epoch of this node's leadership, taking it if it is free; -1 when another node leads. */
  private long look() {
    IMap<String, String> map = hazelcast.getMap(MAP);
    String current = map.get(KEY);
    if (current == null) {
      return map.putIfAbsent(KEY, entry(nodeId, 1)) == null ? 1 : -1;
    }
    JsonObject leader = new JsonObject(current);
    String node = leader.getString("node", "");
    long currentEpoch = leader.getLong("epoch", 0L);
    if (node.equals(nodeId)) {
      return currentEpoch;
    }
    Set<String> members = hazelcast.getCluster().getMembers().stream().map(Leadership::nodeIdOf)
        .collect(Collectors.toSet());
    if (node.isEmpty() || !members.contains(node)) {
      return map.replace(KEY, current, entry(nodeId, currentEpoch + 1)) ? currentEpoch + 1 : -1;
    }
    return -1;
  }

  /**
   * The Vert.x node id of a member ({@link ClusterView#nodeIdOf}), or its Hazelcast UUID for a member that is not a
   * Vert.x node, so that every member has an id.
   */
  static String nodeIdOf(Member member) {
    String id = ClusterView.nodeIdOf(member);
    return id != null ? id : member.getUuid().toString();
  }

  private static String entry(String node, long epoch) {
    return new JsonObject().put("node", node).put("epoch", epoch).encode();
  }

  /**
   * Stops looking, then runs {@code release} (the leader's last writes), then, if this node led, hands the entry
   * back vacant so that a successor takes over at once (blocking map calls on a worker thread).
   */
  public Future<Void> stop(Supplier<Future<Void>> release) {
    stopped = true;
    vertx.cancelTimer(timer);
    if (membership != null) {
      membership.cancel();
    }
    long held = epoch;
    epoch = -1;
    return release.get().eventually(() -> vertx.executeBlocking(() -> {
      if (held >= 0 && hazelcast.getLifecycleService().isRunning()) {
        hazelcast.<String, String>getMap(MAP).replace(KEY, entry(nodeId, held), entry("", held));
      }
      return null;
    }));
  }
}
