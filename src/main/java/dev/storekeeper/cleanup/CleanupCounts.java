package dev.storekeeper.cleanup;

/** The figures of a run; for a dry run they mean "would delete". */
public record CleanupCounts(
    long completedJobs,
    long failedJobs,
    long cancelledJobs,
    long resumedJobs,
    long metricsDeleted,
    long uploadFilesDeleted,
    long outputDirsDeleted,
    long orphanedUploads,
    long orphanedOutputs,
    long orphanBytes,
    long unrecognizedFound,
    long unrecognizedBytes,
    long unrecognizedDeleted,
    long bytesFreed,
    long errorCount,
    long itemsRecorded,
    /** Expired jobs the run skipped because they are held. */
    long heldJobs,
    /** Expired completed jobs kept as the RETENTION_KEEP_LAST most recent. */
    long keptLastJobs) {

  static final CleanupCounts ZERO =
      new CleanupCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
