package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.JobStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run should do. Selectors combine: {@code oldCompleted} and {@code oldFailed} (failed and
 * cancelled jobs) and {@code orphans}; none selected means all. Retention overrides replace the
 * configured days for this run only. {@code retryStuck} puts deletions parked as stuck back in line
 * before the run resumes unfinished deletions.
 */
public record CleanupRequest(
    Trigger trigger,
    boolean dryRun,
    boolean oldCompleted,
    boolean oldFailed,
    boolean orphans,
    Integer completedDays,
    Integer failedDays,
    Integer cancelledDays,
    boolean includeUnrecognized,
    boolean retryStuck,
    Integer keepLast) {

  public CleanupRequest(
      Trigger trigger,
      boolean dryRun,
      boolean oldCompleted,
      boolean oldFailed,
      boolean orphans,
      Integer completedDays,
      Integer failedDays,
      Integer cancelledDays,
      boolean includeUnrecognized) {
    this(
        trigger,
        dryRun,
        oldCompleted,
        oldFailed,
        orphans,
        completedDays,
        failedDays,
        cancelledDays,
        includeUnrecognized,
        false,
        null);
  }

  public static CleanupRequest full(Trigger trigger, boolean dryRun) {
    return new CleanupRequest(trigger, dryRun, false, false, false, null, null, null, false);
  }

  public CleanupRequest withRetryStuck(boolean retry) {
    return copy(dryRun, retry, keepLast);
  }

  /**
   * Keeps the {@code keep} most recently completed jobs in this run (null: RETENTION_KEEP_LAST).
   */
  public CleanupRequest withKeepLast(Integer keep) {
    return copy(dryRun, retryStuck, keep);
  }

  /** The same request as a dry run: what it would delete (the plan a confirmation shows). */
  public CleanupRequest asDryRun() {
    return copy(true, retryStuck, keepLast);
  }

  private CleanupRequest copy(boolean dry, boolean retry, Integer keep) {
    return new CleanupRequest(
        trigger,
        dry,
        oldCompleted,
        oldFailed,
        orphans,
        completedDays,
        failedDays,
        cancelledDays,
        includeUnrecognized,
        retry,
        keep);
  }

  private boolean all() {
    return !oldCompleted && !oldFailed && !orphans;
  }

  public boolean cleansCompleted() {
    return all() || oldCompleted;
  }

  public boolean cleansFailed() {
    return all() || oldFailed;
  }

  public boolean cleansOrphans() {
    return all() || orphans;
  }

  /** The finished states whose expired jobs this run deletes; old_failed covers cancelled jobs. */
  public List<JobStatus> expiredStatuses() {
    List<JobStatus> statuses = new ArrayList<>();
    if (cleansCompleted()) {
      statuses.add(JobStatus.COMPLETED);
    }
    if (cleansFailed()) {
      statuses.add(JobStatus.FAILED);
      statuses.add(JobStatus.CANCELLED);
    }
    return List.copyOf(statuses);
  }

  /** The parameters as recorded in the ledger and shown to operators. */
  public Map<String, Object> parameters(RetentionPolicy policy) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("dry_run", dryRun);
    parameters.put("old_completed", cleansCompleted());
    parameters.put("old_failed", cleansFailed());
    parameters.put("orphans", cleansOrphans());
    parameters.put("completed_days", policy.completedDays());
    parameters.put("failed_days", policy.failedDays());
    parameters.put("cancelled_days", policy.cancelledDays());
    parameters.put("keep_last", policy.keepLast());
    parameters.put("orphan_grace_hours", policy.orphanGraceHours());
    parameters.put("include_unrecognized", includeUnrecognized);
    parameters.put("retry_stuck", retryStuck);
    return parameters;
  }
}
