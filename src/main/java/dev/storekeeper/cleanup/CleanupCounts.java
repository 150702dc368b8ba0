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
    long itemsRecorded) {

  static final CleanupCounts ZERO =
      new CleanupCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
