package io.busbar.jobs.engine;

import io.vertx.core.Future;

/** Where a worker reports the attempts it runs; called on the scheduler's context. */
public interface AttemptListener {

  /** The latest progress of a running attempt (coalesced by the worker). */
  void progress(String id, long lease, double fraction, String message);

  /** The attempt ended; the future completes once the end is stored (and may be acknowledged to its worker). */
  Future<Void> ended(String id, long lease, Outcome outcome);

  /** The attempt's worker is gone (its node died, left or handed the attempt back): the attempt never ended. */
  void lost(String id, long lease);
}
