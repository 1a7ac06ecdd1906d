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
     * {@code {"ready": bool, "cluster": {"clustered", "nodeId", "active", "members"}, "node": {"name", "roles"},
     * "deployments": [{"name", "verticle", "instances", "threading"}], "skipped": [names of descriptors not meant
     * for this node's roles]}}; ready needs every descriptor deployed and, when clustered, an active member.
     */
    public static final String STATUS = "__busbar.node.status";

    private Node() {
    }
  }

  /** The cluster as this node sees it ({@code io.busbar.cluster}). */
  public static final class Cluster {
    /**
     * Request, node-local, empty body → {@code {"clustered", "self", "active", "members", "nodes": [...]}}: the
     * members and, for each, its entry in the node directory (name, roles, gateway, load; see
     * {@code io.busbar.cluster.NodeEntry}).
     */
    public static final String VIEW = "__busbar.cluster.view";
    /**
     * Request, node-local: {@code {"address", "sentAt": epoch ms}} → {@code {"retry": bool, "removed": n}}, asked by
     * the gateway when a request failed with TIMEOUT or NO_HANDLERS: removes the address's routes to departed nodes
     * and says whether the failure is due to a node that left (so that trying once more is sensible).
     */
    public static final String HEAL = "__busbar.cluster.heal";
    /** Publish, node-local: {@code {"event": "added"|"removed", "nodeId"}} when a member joins or leaves. */
    public static final String MEMBERS = "__busbar.cluster.members";
    /**
     * Request to any node (round robin over the cluster), empty body → {@code {"id", "name"}} of the node that
     * answered: shows which nodes the bus reaches from here.
     */
    public static final String PING = "busbar.cluster.ping";

    private Cluster() {
    }
  }

  /** Live statistics of the node, for the dashboard and other watchers. */
  public static final class Stats {
    /**
     * Publish, once per {@code stats.intervalMs} (default one second), by every node: a snapshot of the node, its
     * queues, pools and gateway ({@code io.busbar.dashboard.StatsSnapshot} describes the fields).
     */
    public static final String SNAPSHOTS = "busbar.stats";
    /**
     * Request, node-local: {@code {"limit"?: n}} → {@code {"node", "intervalMs", "snapshots": [oldest … newest]}},
     * the node's latest snapshots (all it keeps when no limit is given).
     */
    public static final String HISTORY = "__busbar.stats.history";

    private Stats() {
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

  /**
   * The job platform. Requests fail with {@link FailureCode} codes: 400 (a field is invalid; the message names it),
   * 404 (no such job), 409 (not in a state that allows it), 429 (the queue is full; see {@link RetryAfter}).
   */
  public static final class Jobs {
    /** Request: a {@code JobSpec} → {@code {"id","state","queue","position","etaMs","eventsAddress"}}. */
    public static final String SUBMIT = "jobs.submit";
    /** Request: {@code {"id"[, "waitMs"]}} → the job; with waitMs, replies when it is final or the wait ends. */
    public static final String GET = "jobs.get";
    /** Request: {@code {"id"}} → the job, cancelled (a running job's thread is interrupted). */
    public static final String CANCEL = "jobs.cancel";
    /** Request: {@code {"id"}} → the dead-lettered job, queued again with fresh attempts. */
    public static final String RETRY = "jobs.retry";
    /** Request: {@code {"queue"?, "state"?, "limit"?, "offset"?}} → {@code {"jobs": [...], "total", "offset"}}. */
    public static final String LIST = "jobs.list";
    /** Request: {@code {"jobs": [JobSpec...]}} → {@code {"batchId", "eventsAddress", "jobs": [receipts]}}. */
    public static final String BATCH = "jobs.batch";
    /** Request: empty → {@code {"queues": [per-queue statistics]}}. */
    public static final String QUEUES = "jobs.queues";
    /** Send: {@code {"address"}}: publish again where a job or batch stands, to its events address. */
    public static final String REPLAY = "__busbar.jobs.replay";
    /**
     * Request, to the cluster's scheduler, from a worker node every heartbeat: {@code {"node", "pools": {name:
     * limit}, "threads": {name: n}, "types": [...], "running": {id: lease}, "draining"}} → {@code {"backlog": {pool:
     * bool}, "waits": {pool: ms}, "cancel": {id: lease}}}.
     */
    public static final String SCHEDULER_HEARTBEAT = "__busbar.jobs.scheduler.heartbeat";
    /** Request, to the scheduler: {@code {"id", "lease", "outcome"}}, the end of an attempt → {@code {}} (kept). */
    public static final String SCHEDULER_ENDED = "__busbar.jobs.scheduler.ended";
    /** Send, to the scheduler: {@code {"id", "lease", "progress", "message"}}. */
    public static final String SCHEDULER_PROGRESS = "__busbar.jobs.scheduler.progress";
    /** Request, to the scheduler: {@code {"node", "attempts": {id: lease}}}, attempts a stopping node hands back. */
    public static final String SCHEDULER_HANDBACK = "__busbar.jobs.scheduler.handback";
    /** Prefix of a worker node's own address: {@code {"action": "run", "order"}} or {@code {"action": "cancel"}}. */
    public static final String WORKER_PREFIX = "__busbar.jobs.worker.";
    /** Prefix of a job's events address: {@code jobs.events.<job id>}. */
    public static final String EVENTS_PREFIX = "jobs.events.";
    /** Prefix of a batch's events address: {@code jobs.batches.<batch id>}. */
    public static final String BATCH_EVENTS_PREFIX = "jobs.batches.";
    /** Prefix of a client's own inbox, {@code jobs.inbox.<client id>}, where a submission may send its events. */
    public static final String INBOX_PREFIX = "jobs.inbox.";

    private Jobs() {
    }

    /** Request: run or cancel an attempt on one worker node. */
    public static String workerOf(String nodeId) {
      return WORKER_PREFIX + nodeId;
    }

    /** Publish: the events of one job, {@code {"event": "<state>|progress", "job": {...}}}. */
    public static String eventsOf(String jobId) {
      return EVENTS_PREFIX + jobId;
    }

    /** Publish: the events of one batch ({@code completed} per job, then {@code gathered}). */
    public static String batchEventsOf(String batchId) {
      return BATCH_EVENTS_PREFIX + batchId;
    }
  }
}
