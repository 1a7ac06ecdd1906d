package io.busbar.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.partition.PartitionLostListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's view of the cluster: who it is, who the members are, and when that changes. One per Vert.x instance
 * ({@link #of}); it answers without blocking (Hazelcast keeps the member list in memory).
 *
 * <p>Node ids are Vert.x's cluster node ids ({@code ClusterManager.getNodeId()}, the ids in {@code __vertx.subs}).
 * With vertx-hazelcast 5 they are <b>not</b> the Hazelcast member UUIDs: Vert.x picks a random UUID and stores it
 * as the member attribute {@code __vertx.nodeId}, which is how members are mapped to node ids here. A node that is
 * not clustered is alone, with the id {@value #LOCAL_ID}.
 *
 * <p>Membership listeners are Hazelcast's ({@code Cluster.addMembershipListener}), not Vert.x's
 * {@code ClusterManager.nodeListener}, which Vert.x itself occupies; they are called on the context that
 * registered them.
 */
public final class ClusterView {

  /** The node id of a node that is not clustered. */
  public static final String LOCAL_ID = "local";
  /** The member attribute where vertx-hazelcast keeps the Vert.x node id. */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private static final Map<Vertx, ClusterView> VIEWS = new WeakHashMap<>();

  private final ClusterManager manager;
  private final HazelcastInstance hazelcast;
  private final List<Subscription> listeners = new CopyOnWriteArrayList<>();

  /** Called when members join or leave, on the context that registered it. */
  public interface Listener {
    /** A member joined; {@code nodeId} is its Vert.x node id. */
    default void memberAdded(String nodeId) {
    }

    /** A member left or was declared dead; its node id. */
    default void memberRemoved(String nodeId) {
    }

    /**
     * Every copy of some of the cluster's data was lost (members holding a partition and its backups died
     * together): entries of {@code busbar.*} maps may be gone, and Vert.x's registrations too (Busbar republishes
     * this node's). {@code mapName} says which data, when Hazelcast knows ({@code null} otherwise).
     */
    default void dataLost(String mapName) {
    }
  }

  /** A listener's registration; {@link #cancel()} removes it. */
  public final class Subscription {
    private final Listener listener;
    private final Context context;

    private Subscription(Listener listener, Context context) {
      this.listener = listener;
      this.context = context;
    }

    public void cancel() {
      listeners.remove(this);
    }
  }

  private ClusterView(Vertx vertx) {
    ClusterManager cm = vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
    this.manager = cm;
    this.hazelcast = cm instanceof HazelcastClusterManager h ? h.getHazelcastInstance() : null;
    if (hazelcast != null) {
      UUID membership = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          String id = nodeIdOf(event.getMember());
          if (id != null) {
            fire(l -> l.memberAdded(id));
          }
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          String id = nodeIdOf(event.getMember());
          if (id != null) {
            fire(l -> l.memberRemoved(id));
          }
        }
      });
      UUID lost = hazelcast.getPartitionService().addPartitionLostListener(
          (PartitionLostListener) event -> fire(l -> l.dataLost(null)));
      ((VertxInternal) vertx).addCloseHook(completion -> {
        removeHazelcastListeners(membership, lost);
        completion.succeed();
      });
    }
  }

  /** The view of {@code vertx}'s cluster (created on first use). */
  public static ClusterView of(Vertx vertx) {
    synchronized (VIEWS) {
      return VIEWS.computeIfAbsent(vertx, ClusterView::new);
    }
  }

  /** Whether the node runs clustered. */
  public boolean clustered() {
    return manager != null;
  }

  /** This node's Vert.x cluster node id, or {@value #LOCAL_ID}. */
  public String nodeId() {
    return manager == null ? LOCAL_ID : manager.getNodeId();
  }

  /** True while the node is a working member: not clustered, or joined with its Hazelcast member running. */
  public boolean active() {
    if (manager == null) {
      return true;
    }
    return manager.isActive() && (hazelcast == null || hazelcast.getLifecycleService().isRunning());
  }

  /** The node ids of the current members, this node included, oldest member first. */
  public List<String> memberIds() {
    if (manager == null) {
      return List.of(LOCAL_ID);
    }
    if (hazelcast == null) {
      return List.copyOf(manager.getNodes());
    }
    try {
      Set<String> ids = new LinkedHashSet<>();
      for (Member member : hazelcast.getCluster().getMembers()) {
        String id = nodeIdOf(member);
        if (id != null) {
          ids.add(id);
        }
      }
      return List.copyOf(ids);
    } catch (HazelcastInstanceNotActiveException e) {
      return List.of();
    }
  }

  /** Whether {@code nodeId} is a current member. */
  public boolean isMember(String nodeId) {
    return memberIds().contains(nodeId);
  }

  /** True when this node is the oldest member (the one that does cluster-wide chores), or alone. */
  public boolean isOldest() {
    List<String> members = memberIds();
    return members.isEmpty() || members.get(0).equals(nodeId());
  }

  /**
   * Calls {@code listener} on membership changes until the returned subscription is cancelled (or Vert.x closes),
   * on the current Vert.x context (or a new one when called outside Vert.x).
   */
  public Subscription listen(Vertx vertx, Listener listener) {
    return listen(vertx.getOrCreateContext(), listener);
  }

  /** As {@link #listen(Vertx, Listener)}, calling {@code listener} on {@code context}. */
  public Subscription listen(Context context, Listener listener) {
    Subscription subscription = new Subscription(listener, context);
    listeners.add(subscription);
    return subscription;
  }

  /** The Hazelcast member of this node, or {@code null} when not clustered with Hazelcast. */
  HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /** The Vert.x cluster manager, or {@code null} when not clustered. */
  ClusterManager manager() {
    return manager;
  }

  /**
   * The Vert.x node id of a Hazelcast member (its attribute {@value #NODE_ID_ATTRIBUTE}), or {@code null} for a
   * member that is not a Vert.x node.
   */
  public static String nodeIdOf(Member member) {
    return member.getAttribute(NODE_ID_ATTRIBUTE);
  }

  private void fire(java.util.function.Consumer<Listener> event) {
    for (Subscription s : listeners) {
      s.context.runOnContext(v -> event.accept(s.listener));
    }
  }

  private void removeHazelcastListeners(UUID membership, UUID lost) {
    listeners.clear();
    try {
      if (hazelcast.getLifecycleService().isRunning()) {
        hazelcast.getCluster().removeMembershipListener(membership);
        hazelcast.getPartitionService().removePartitionLostListener(lost);
      }
    } catch (HazelcastInstanceNotActiveException e) {
      // Already shut down: its listeners went with it.
    }
  }

  @Override
  public String toString() {
    return "ClusterView[" + nodeId() + ", members " + Collections.unmodifiableList(new ArrayList<>(memberIds())) + "]";
  }
}
