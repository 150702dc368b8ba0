package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.JobRepository.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The figures and pending ledger items of one run in progress. Items are flushed to the ledger
 * after every batch, so memory does not grow with the size of the run; only the first errors are
 * kept in full.
 */
final class RunState {

  private static final int MAX_ERRORS_KEPT = 100;

  final UUID runId;
  final boolean dryRun;
  final Instant now;
  final RetentionPolicy policy;
  final CleanupProgress progress;

  /** Where the RETENTION_KEEP_LAST newest completed jobs begin, fixed when the run starts. */
  Position keepLastBoundary = Position.END;

  /** Set for a capacity run: what it must free. */
  CapacityTarget capacity;

  /** The output entries other jobs' result_paths point into; read once per run, when needed. */
  Set<String> foreignOutputs;

  /** The upload and output bytes accounted to the jobs this run resumed. */
  long resumedAccountedBytes;

  long completedJobs;
  long failedJobs;
  long cancelledJobs;
  long resumedJobs;
  long metricsDeleted;
  long uploadFilesDeleted;
  long outputDirsDeleted;
  long orphanedUploads;
  long orphanedOutputs;
  long orphanBytes;
  long unrecognizedFound;
  long unrecognizedBytes;
  long unrecognizedDeleted;
  long bytesFreed;
  long errorCount;
  long heldJobs;
  long keptLastJobs;
  long itemsExpected;

  /** Applying a plan: when it was made (a job that finished after it was re-run since). */
  Instant plannedAt;

  long plannedItems;
  long skippedItems;
  private long seq;
  private final List<CleanupItem> pending = new ArrayList<>();
  final List<String> errors = new ArrayList<>();
  volatile boolean lockLost;

  RunState(
      UUID runId, boolean dryRun, Instant now, RetentionPolicy policy, CleanupProgress progress) {
    this.runId = runId;
    this.dryRun = dryRun;
    this.now = now;
    this.policy = policy;
    this.progress = progress;
  }

  CleanupItem.Result done() {
    return dryRun ? CleanupItem.Result.WOULD_DELETE : CleanupItem.Result.DELETED;
  }

  void item(
      Category category,
      UUID jobId,
      String path,
      Instant since,
      long bytes,
      long metrics,
      String reason,
      CleanupItem.Result result,
      String error) {
    Long age = since == null ? null : Math.max(0, Duration.between(since, now).toSeconds());
    pending.add(
        new CleanupItem(++seq, category, jobId, path, age, bytes, metrics, reason, result, error));
    if (result == CleanupItem.Result.FAILED) {
      errorCount++;
      if (errors.size() < MAX_ERRORS_KEPT) {
        errors.add((jobId != null ? jobId : path) + ": " + error);
      }
    }
  }

  void error(String message) {
    errorCount++;
    if (errors.size() < MAX_ERRORS_KEPT) {
      errors.add(message);
    }
  }

  List<CleanupItem> drainItems() {
    List<CleanupItem> items = List.copyOf(pending);
    pending.clear();
    return items;
  }

  long itemsRecorded() {
    return seq;
  }

  CleanupCounts counts() {
    return new CleanupCounts(
        completedJobs,
        failedJobs,
        cancelledJobs,
        resumedJobs,
        metricsDeleted,
        uploadFilesDeleted,
        outputDirsDeleted,
        orphanedUploads,
        orphanedOutputs,
        orphanBytes,
        unrecognizedFound,
        unrecognizedBytes,
        unrecognizedDeleted,
        bytesFreed,
        errorCount,
        seq,
        heldJobs,
        keptLastJobs);
  }
}
