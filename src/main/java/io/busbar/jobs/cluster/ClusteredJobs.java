package io.busbar.jobs.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.busbar.cluster.ClusterView;
import io.busbar.config.JobsConfig;
import io.busbar.config.NodeConfig;
import io.busbar.config.Role;
import io.busbar.jobs.JobHandlers;
import io.busbar.jobs.engine.JobEngine;
import io.busbar.jobs.engine.JobEvents;
import io.busbar.metrics.JobMeters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs on a clustered node. A worker node runs a {@link WorkerAgent}. A scheduler node stands for election
 * ({@link Leadership}); while it leads, it runs the one {@link JobEngine} of the cluster over the replicated
 * {@link HazelcastJobStore}, with the cluster's {@link RemoteWorkers}, and serves the {@code jobs.*} addresses, so
 * a job accepted through any node is scheduled by it: queue order and policies hold cluster-wide. A member that
 * leaves takes its attempts with it: they are queued again at once.
 */
public final class ClusteredJobs {

  private static final Logger LOG = LoggerFactory.getLogger(ClusteredJobs.class);
  private static final int LEASE_EPOCH_SHIFT = 40;

  private final Vertx vertx;
  private final Context context;
  private final JobsConfig config;
  private final NodeConfig node;
  private final JobHandlers handlers;
  private final JobMeters meters;
  private final JobEvents events;
  private final Function<JobEngine, Future<Void>> serve;
  private final Supplier<Future<Void>> unserve;
  private final HazelcastInstance hazelcast;
  private final String nodeId;
  private WorkerAgent worker;
  private Leadership leadership;
  private JobEngine engine;
  private RemoteWorkers workers;
  private ClusterView.Subscription membership;
  private boolean metersRegistered;
  private Future<Void> transition = Future.succeededFuture();

  public ClusteredJobs(Vertx vertx, Context context, JobsConfig config, NodeConfig node, JobHandlers handlers,
      JobMeters meters, JobEvents events, Function<JobEngine, Future<Void>> serve, Supplier<Future<Void>> unserve) {
    this.vertx = vertx;
    this.context = context;
    this.config = config;
    this.node = node;
    this.handlers = handlers;
    this.meters = meters;
    this.events = events;
    this.serve = serve;
    this.unserve = unserve;
    var clusterManager = ((VertxInternal) vertx).clusterManager();
    if (!(clusterManager instanceof HazelcastClusterManager hz)) {
      throw new IllegalStateException("clustered jobs need the Hazelcast cluster manager, found "
          + clusterManager.getClass().getName());
    }
    this.hazelcast = hz.getHazelcastInstance();
    this.nodeId = clusterManager.getNodeId();
  }

  public Future<Void> start() {
    Future<Void> started = Future.succeededFuture();
    if (node.has(Role.WORKER)) {
      worker = new WorkerAgent(vertx, context, nodeId, node.name(), config, handlers, meters);
      started = worker.start();
    }
    if (node.has(Role.SCHEDULER)) {
      membership = ClusterView.of(vertx).listen(context, new ClusterView.Listener() {
        @Override
        public void memberRemoved(String gone) {
          if (workers != null) {
            workers.nodeGone(gone, "left the cluster");
          }
        }
      });
      leadership = new Leadership(vertx, context, hazelcast, nodeId, config.cluster().heartbeatMs(),
          epoch -> transition = transition.eventually(() -> lead(epoch)),
          () -> transition = transition.eventually(this::stepDown));
      started = started.onSuccess(v -> leadership.start());
    }
    return started.onSuccess(v -> LOG.info("clustered jobs on node {} ({}): {}", node.name(), nodeId,
        node.has(Role.SCHEDULER) && node.has(Role.WORKER) ? "scheduler candidate and worker"
            : node.has(Role.SCHEDULER) ? "scheduler candidate" : "worker"));
  }

  private Future<Void> lead(long epoch) {
    JobEngine leading = new JobEngine(vertx, context, config, new HazelcastJobStore(hazelcast), events,
        listener -> workers = new RemoteWorkers(vertx, config.cluster(), epoch, config.pools().keySet(), listener),
        true,
        epoch << LEASE_EPOCH_SHIFT);
    engine = leading;
    if (!metersRegistered) {
      leading.registerMeters(meters);
      metersRegistered = true;
    }
    // Serve once the workers have had a heartbeat to report in, so the job types they run are known.
    Promise<Void> reported = Promise.promise();
    vertx.setTimer(2 * config.cluster().heartbeatMs(), t -> reported.complete());
    return workers.ready().compose(v -> leading.start()).onSuccess(v -> workers.open())
        .compose(v -> reported.future())
        .compose(v -> engine == leading ? serve.apply(leading) : Future.succeededFuture())
        .onSuccess(v -> LOG.info("scheduling the cluster's jobs: queues {}, workers {}", config.queues().keySet(),
            workers.nodeIds()))
        .onFailure(e -> LOG.error("could not start scheduling the cluster's jobs", e));
  }

  private Future<Void> stepDown() {
    JobEngine stopping = engine;
    engine = null;
    workers = null;
    if (stopping == null) {
      return Future.succeededFuture();
    }
    return unserve.get().eventually(() -> vertx.executeBlocking(() -> {
      stopping.close();
      return null;
    }));
  }

  /** Drains the worker (which still reports to the scheduler, perhaps this node's), then gives up leading. */
  public Future<Void> stop() {
    Future<Void> drained = worker == null ? Future.succeededFuture() : worker.drain();
    return drained.eventually(() -> {
      if (leadership == null) {
        return Future.succeededFuture();
      }
      if (membership != null) {
        membership.cancel();
      }
      return leadership.stop(() -> transition.eventually(this::stepDown));
    });
  }
}
