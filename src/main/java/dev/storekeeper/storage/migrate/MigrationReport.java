package dev.storekeeper.storage.migrate;

import java.util.List;
import java.util.UUID;

/**
 * What {@code storage migrate --to s3} did, or in a dry run would do.
 *
 * <p>{@code outcome} per job: {@code migrated} (copied, verified, switched, local copy removed; in
 * a dry run: would be), {@code present} (already in the bucket, nothing left to do), {@code
 * skipped} (left on the filesystem on purpose, with the reason: pending or running, being deleted,
 * import not finished; a rerun takes it once that has changed), {@code failed} (not migrated, or
 * switched but its local copy not removed; with the reason; a rerun tries again).
 *
 * <p>Memory stays bounded whatever the number of jobs: the counts cover every job, {@code items}
 * lists at most {@link StorageMigration#MAX_LISTED} of the jobs not {@code present} ({@code
 * notListed} says how many more there were); every item is also handed to the run's listener as it
 * happens, which is how the command prints them all.
 */
public record MigrationReport(
    boolean dryRun, Counts counts, Left left, List<Item> items, long notListed) {

  public static final String MIGRATED = "migrated";
  public static final String PRESENT = "present";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";

  /**
   * One job. {@code files} and {@code bytes}: what was (would be) copied, the upload and every
   * output file; {@code upload} and {@code outputs}: the key of its upload and the prefix of its
   * outputs in the bucket, when it has (would have) them there.
   */
  public record Item(
      UUID jobId,
      String filename,
      String status,
      boolean held,
      String outcome,
      String reason,
      long files,
      long bytes,
      String upload,
      String outputs) {}

  /** Jobs by outcome; files and bytes copied (dry run: to copy) for the migrated ones. */
  public record Counts(
      long jobs, long migrated, long present, long skipped, long failed, long files, long bytes) {}

  /**
   * What stays in the uploads and outputs directories after the run: entries that belong to a job
   * still on the filesystem (skipped, failed), and entries that are no job's at all (orphans,
   * temporary uploads, unrecognised names), which a migration neither copies nor deletes.
   */
  public record Left(long jobEntries, long otherEntries) {}

  public boolean anyFailed() {
    return counts.failed() > 0;
  }
}
