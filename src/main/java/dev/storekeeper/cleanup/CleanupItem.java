package dev.storekeeper.cleanup;

import java.util.UUID;

/**
 * One thing a run deleted, would delete (dry run), failed to delete, or found and kept
 * (unrecognised names). {@code bytes} is what it held on disk; {@code metrics} its metric rows.
 */
public record CleanupItem(
    long seq,
    Category category,
    UUID jobId,
    String path,
    Long ageSeconds,
    long bytes,
    long metrics,
    String reason,
    Result result,
    String error) {

  /** What happened to the item. */
  public enum Result {
    DELETED,
    WOULD_DELETE,
    FAILED,
    KEPT;

    public String value() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
