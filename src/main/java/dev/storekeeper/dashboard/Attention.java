package dev.storekeeper.dashboard;

import dev.storekeeper.cleanup.CleanupReports.LastRun;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import java.util.ArrayList;
import java.util.List;

/**
 * What an operator should look at, each with what to do about it, derived from the same storage
 * statistics as {@code GET /cleanup/stats}; an empty list means nothing needs attention.
 */
record Attention(String what, String todo) {

  static List<Attention> of(StorageStats stats, long minFreeBytes, Figures f) {
    List<Attention> found = new ArrayList<>();
    if (stats.disk().freeBytes() < minFreeBytes) {
      found.add(
          new Attention(
              "Free space (%s) is below STORAGE_MIN_FREE_MB (%s): uploads are refused"
                  .formatted(f.bytes(stats.disk().freeBytes()), f.bytes(minFreeBytes)),
              "Run a cleanup now, shorten the retention, or give the data volume more space."));
    }
    if (stats.orphans().count() > 0) {
      found.add(
          new Attention(
              "%d orphaned entries (%s) found by the last scan"
                  .formatted(stats.orphans().count(), f.bytes(stats.orphans().bytes())),
              "They are files without a job row, older than ORPHAN_GRACE_HOURS: the next cleanup"
                  + " deletes them (dry run first to see them)."));
    }
    if (stats.unrecognized().count() > 0) {
      found.add(
          new Attention(
              "%d unrecognised entries (%s) in the data directories"
                  .formatted(stats.unrecognized().count(), f.bytes(stats.unrecognized().bytes())),
              "Their names encode no job id, so they are never deleted by default: look at the"
                  + " last scan's items, remove them by hand or run with include_unrecognized=true."));
    }
    if (stats.stuck().count() > 0) {
      found.add(
          new Attention(
              "%d deletions are stuck (%s)"
                  .formatted(stats.stuck().count(), f.bytes(stats.stuck().bytes())),
              "They failed CLEANUP_MAX_ITEM_ATTEMPTS runs in a row: fix the cause shown with them"
                  + " (permissions, a busy file), then run with retry_stuck=true."));
    }
    if (stats.held().count() > 0) {
      found.add(
          new Attention(
              "%d jobs are held (%s), never deleted while held"
                  .formatted(stats.held().count(), f.bytes(stats.held().bytes())),
              "Release the holds that are no longer needed (Holds below)."));
    }
    if (!stats.scheduler().enabled()) {
      found.add(
          new Attention(
              "The cleanup schedule is disabled (CLEANUP_ENABLED=false)",
              "Nothing is deleted unless someone runs a cleanup: enable it, or run one by hand."));
    } else if (stats.scheduler().overdue()) {
      found.add(
          new Attention(
              "The scheduled cleanup is overdue: no successful run for two intervals",
              "Look at the last runs' errors below and the service log; run a cleanup now."));
    }
    LastRun last = stats.scheduler().lastRun();
    if (last != null && ("failed".equals(last.outcome()) || "partial".equals(last.outcome()))) {
      found.add(
          new Attention(
              "The last run (%s, %s) ended %s"
                  .formatted(last.trigger(), last.startedAt(), last.outcome()),
              "Open it in Runs to see which items failed and why; the next run retries them."));
    }
    return found;
  }
}
