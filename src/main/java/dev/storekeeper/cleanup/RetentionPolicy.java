package dev.storekeeper.cleanup;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * How long finished jobs and unowned files are kept. A job is expired when it finished strictly
 * before {@code now - days}: one finished exactly at the cutoff is kept. Zero days is legal and
 * means "everything finished before now"; it never falls back to a default.
 */
public record RetentionPolicy(
    int completedDays, int failedDays, int cancelledDays, int orphanGraceHours) {

  public RetentionPolicy {
    requireDays("completed_days", completedDays);
    requireDays("failed_days", failedDays);
    requireDays("cancelled_days", cancelledDays);
    if (orphanGraceHours < 0) {
      throw new InvalidInputException(
          "orphan_grace_hours", "orphan_grace_hours must be a whole number >= 0");
    }
  }

  private static void requireDays(String name, int days) {
    if (days < 0 || days > 36500) {
      throw new InvalidInputException(
          name, name + " must be a whole number between 0 and 36500, got " + days);
    }
  }

  public int daysFor(JobStatus status) {
    return switch (status) {
      case COMPLETED -> completedDays;
      case FAILED -> failedDays;
      case CANCELLED -> cancelledDays;
      default ->
          throw new IllegalArgumentException(status + " jobs are never expired by retention");
    };
  }

  public Instant cutoff(JobStatus status, Instant now) {
    return now.minus(Duration.ofDays(daysFor(status)));
  }

  public Instant orphanCutoff(Instant now) {
    return now.minus(Duration.ofHours(orphanGraceHours));
  }

  public RetentionPolicy with(Integer completed, Integer failed, Integer cancelled) {
    return new RetentionPolicy(
        completed == null ? completedDays : completed,
        failed == null ? failedDays : failed,
        cancelled == null ? cancelledDays : cancelled,
        orphanGraceHours);
  }
}
