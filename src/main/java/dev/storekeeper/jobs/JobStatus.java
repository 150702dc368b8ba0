package dev.storekeeper.jobs;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a job and every legal transition between them, in one place. {@code DELETING} is
 * the cleanup protocol's claim: a job in it is being removed and is invisible through the API.
 * {@code STUCK} is a deletion that failed {@code CLEANUP_MAX_ITEM_ATTEMPTS} runs in a row, parked
 * until an operator asks for it to be retried; it stays invisible as a job.
 */
public enum JobStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED,
  DELETING,
  STUCK;

  /** Legal successors. RUNNING -> PENDING is the retry of a job whose node died. */
  public Set<JobStatus> successors() {
    return switch (this) {
      case PENDING -> EnumSet.of(RUNNING, CANCELLED, FAILED);
      case RUNNING -> EnumSet.of(COMPLETED, FAILED, CANCELLED, PENDING);
      case COMPLETED, FAILED, CANCELLED -> EnumSet.of(DELETING);
      case DELETING -> EnumSet.of(STUCK);
      case STUCK -> EnumSet.of(DELETING);
    };
  }

  public boolean canBecome(JobStatus next) {
    return successors().contains(next);
  }

  /** Throws when {@code next} is not a legal successor: an illegal transition is a bug. */
  public void requireCanBecome(JobStatus next) {
    if (!canBecome(next)) {
      throw new IllegalJobTransitionException(this, next);
    }
  }

  /** Finished jobs have a completion timestamp and are the only ones retention may delete. */
  public boolean isFinished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /**
   * Whether the API shows jobs in this state: not while they are being (or failed being) deleted.
   */
  public boolean isVisible() {
    return this != DELETING && this != STUCK;
  }

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus of(String value) {
    for (JobStatus status : values()) {
      if (status.value().equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException("Unknown job status: " + value);
  }
}
