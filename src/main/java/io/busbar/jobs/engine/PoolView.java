package io.busbar.jobs.engine;

/**
 * A job pool as the scheduler sees it: how many attempts it may run at once and how many it runs. On a single node
 * that is the node's own {@link JobPool}; in a cluster, the sum over the worker nodes that serve the pool.
 */
public interface PoolView {

  String name();

  /** Attempts that may run at once. */
  int limit();

  /** Attempts running now. */
  int busy();

  /** Live threads (for a virtual pool: the jobs running). */
  int threads();
}
