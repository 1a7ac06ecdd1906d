package io.busbar.jobs.engine;

/** Where a worker reports the attempts it runs; called on the scheduler's context. */
public interface AttemptListener {

  /** The latest progress of a running attempt (coalesced by the worker). */
  void progress(String id, long lease, double fraction, String message);

  /** The attempt ended. */
  void ended(String id, long lease, Outcome outcome);

  /** The attempt's worker is gone (its node died, left or handed the attempt back): the attempt never ended. */
  void lost(String id, long lease);
}
