package dev.storekeeper.jobs;

import dev.storekeeper.StorekeeperException;

/** A job was asked to move to a state it cannot reach from where it is. */
public class IllegalJobTransitionException extends StorekeeperException {

  public IllegalJobTransitionException(JobStatus from, JobStatus to) {
    super(409, null, "A job cannot go from " + from.value() + " to " + to.value());
  }

  @Override
  public String title() {
    return "Illegal job state change";
  }
}
