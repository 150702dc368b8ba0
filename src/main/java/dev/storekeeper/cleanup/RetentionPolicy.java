package dev.storekeeper.cleanup;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * How long finished jobs and unowned files are kept. A job is expired when it finished strictly
 * before {@code now - days}: one finished exactly at the cutoff is kept. Zero days is legal and
 * means "everything finished before now"; it never falls back to a default. {@code keepLast}
 * completed jobs, the most recent ones, are kept whatever their age, so that a quiet system never
 * ends up without results.
 */
public record RetentionPolicy(
    int completedDays, int failedDays, int cancelledDays, int orphanGraceHours, int keepLast) {

  /** The largest keep-last there is: more would only mean "keep every completed job". */
  static final int MAX_KEEP_LAST = 1_000_000;

  public RetentionPolicy(
      int completedDays, int failedDays, int cancelledDays, int orphanGraceHours) {
    this(completedDays, failedDays, cancelledDays, orphanGraceHours, 0);
  }

  public RetentionPolicy {
    if (keepLast < 0 || keepLast > MAX_KEEP_LAST) {
      throw new InvalidInputException(
          "keep_last",
          "keep_last must be a whole number between 0 and " + MAX_KEEP_LAST + ", got " + keepLast);
    }
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
        orphanGraceHours,
        keepLast);
  }

  public RetentionPolicy withKeepLast(Integer keep) {
    return keep == null
        ? this
        : new RetentionPolicy(completedDays, failedDays, cancelledDays, orphanGraceHours, keep);
  }
}
