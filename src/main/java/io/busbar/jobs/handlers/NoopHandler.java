package io.busbar.jobs.handlers;

import io.busbar.jobs.JobContext;
import io.busbar.jobs.JobHandler;

/** {@code noop}: does nothing and succeeds with a null result. For benchmarks of the machinery itself. */
public final class NoopHandler implements JobHandler {

  @Override
  public Object handle(JobContext context) {
    return null;
  }
}
