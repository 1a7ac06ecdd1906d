package io.busbar.jobs.handlers;

import io.busbar.jobs.JobContext;
import io.busbar.jobs.JobHandler;

/** {@code echo}: succeeds with its payload as the result. */
public final class EchoHandler implements JobHandler {

  @Override
  public Object handle(JobContext context) {
    return context.payload();
  }
}
