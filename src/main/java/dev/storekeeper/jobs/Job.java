package dev.storekeeper.jobs;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code jobs}. */
public record Job(
    UUID id,
    String filename,
    String filePath,
    JobStatus status,
    int progress,
    String currentStep,
    String errorMessage,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    String resultPath,
    long uploadBytes,
    long outputBytes,
    int attempts,
    UUID deletingRunId,
    String cleanupError,
    int cleanupAttempts,
    /** When the job was put on hold, or null: a held job is never deleted by any path. */
    Instant heldAt,
    /** Who placed the hold: the kind of token ("admin") or "cli". */
    String heldBy,
    String holdReason) {

  public boolean held() {
    return heldAt != null;
  }

  public static Job newUpload(UUID id, String filename, String filePath, long bytes, Instant now) {
    return new Job(
        id,
        filename,
        filePath,
        JobStatus.PENDING,
        0,
        "queued",
        null,
        now,
        null,
        null,
        null,
        bytes,
        0,
        0,
        null,
        null,
        0,
        null,
        null,
        null);
  }
}
