package dev.storekeeper.imports;

import java.util.List;
import java.util.UUID;

/**
 * What an import did, or in a dry run would do, job by job. {@code outcome}: {@code imported} (in a
 * dry run: would be), {@code present} (imported by an earlier run), {@code skipped} (left out on
 * purpose, with the reason), {@code failed} (refused or not finished, with the reason; a rerun
 * tries it again).
 */
public record ImportReport(boolean dryRun, Counts counts, List<Item> items) {

  public static final String IMPORTED = "imported";
  public static final String PRESENT = "present";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";

  /**
   * One source job. {@code status} is the Storekeeper status it has (or would have); {@code
   * metrics} the Storekeeper metric rows (three per source row); {@code files} and {@code bytes}
   * the upload and output files adopted.
   */
  public record Item(
      UUID jobId,
      String filename,
      String sourceStatus,
      String status,
      String outcome,
      String reason,
      long metrics,
      long files,
      long bytes,
      String upload,
      String output) {}

  public record Counts(
      long imported,
      long present,
      long skipped,
      long failed,
      long metrics,
      long files,
      long bytes) {

    static Counts of(List<Item> items) {
      long imported = 0;
      long present = 0;
      long skipped = 0;
      long failed = 0;
      long metrics = 0;
      long files = 0;
      long bytes = 0;
      for (Item item : items) {
        switch (item.outcome()) {
          case IMPORTED -> {
            imported++;
            metrics += item.metrics();
            files += item.files();
            bytes += item.bytes();
          }
          case PRESENT -> present++;
          case SKIPPED -> skipped++;
          default -> failed++;
        }
      }
      return new Counts(imported, present, skipped, failed, metrics, files, bytes);
    }
  }

  static ImportReport of(boolean dryRun, List<Item> items) {
    return new ImportReport(dryRun, Counts.of(items), List.copyOf(items));
  }

  public boolean anyFailed() {
    return counts.failed() > 0;
  }
}
