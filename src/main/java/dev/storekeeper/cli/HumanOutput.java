package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupReports.Area;
import dev.storekeeper.cleanup.CleanupReports.CountAndBytes;
import dev.storekeeper.cleanup.CleanupReports.ItemView;
import dev.storekeeper.cleanup.CleanupReports.RunReport;
import dev.storekeeper.cleanup.CleanupReports.Scan;
import dev.storekeeper.cleanup.CleanupReports.Scheduler;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.jobs.JobTotalsService.Check;
import dev.storekeeper.jobs.JobTotalsService.Drift;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The text an operator reads: a run's report, the storage statistics and item lines. It renders the
 * same documents {@code --json} prints; it computes nothing of its own.
 */
public final class HumanOutput {

  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB", "PB"};

  private final PrintWriter out;

  HumanOutput(PrintWriter out) {
    this.out = out;
  }

  /** 0 B, 999 B, 1.0 KB, 12.3 MB: powers of 1024, like the size_mb/size_gb figures. */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  public static String age(Long seconds) {
    if (seconds == null) {
      return "-";
    }
    if (seconds >= 86_400) {
      long days = seconds / 86_400;
      return days + (days == 1 ? " day" : " days");
    }
    if (seconds >= 3_600) {
      return seconds / 3_600 + " h";
    }
    return seconds / 60 + " min";
  }

  public static String duration(Long millis) {
    if (millis == null) {
      return "-";
    }
    return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000d);
  }

  // ---- a run ------------------------------------------------------------------------------------

  void runReport(StorageStats before, RunReport run) {
    out.println("Storage before:  " + storage(before));
    out.println();
    counts(run);
    out.println();
    if (run.dryRun()) {
      out.println("Storage after:   unchanged (dry run)");
      out.println("Would free:      " + size(run.bytesFreed()));
    } else {
      out.println("Storage after:   " + storage(run.storageStats()));
      out.println("Space freed:     " + size(run.bytesFreed()));
    }
    out.println("Run:             " + runLine(run));
    out.println("Duration:        " + duration(run.durationMs()));
    plan(run);
    errors(run);
  }

  private static String runLine(RunReport run) {
    return run.runId() + (run.dryRun() ? " (dry run)" : "") + ", " + run.outcome();
  }

  /** A run of the ledger, as {@code runs show} prints it: no storage figures of the moment. */
  void recordedRun(RunReport run) {
    out.println("Run:             " + runLine(run));
    out.println("Trigger:         " + run.trigger());
    out.println("Started:         " + time(run.startedAt()));
    out.println(
        "Finished:        " + time(run.finishedAt()) + " (" + duration(run.durationMs()) + ")");
    out.println("Parameters:      " + parameters(run.parameters()));
    out.println();
    counts(run);
    if (run.heldJobs() > 0 || run.keptLastJobs() > 0) {
      out.printf(
          "  kept: %d held job%s, %d by keep-last%n",
          run.heldJobs(), plural(run.heldJobs()), run.keptLastJobs());
    }
    out.println();
    out.println(
        (run.dryRun() ? "Would free:      " : "Space freed:     ") + size(run.bytesFreed()));
    out.println("Items:           " + run.itemsTotal() + " (--list prints them)");
    plan(run);
    errors(run);
  }

  private static String parameters(Map<String, Object> parameters) {
    StringBuilder text = new StringBuilder();
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            text.append(text.isEmpty() ? "" : " ").append(name).append('=').append(value);
          }
        });
    return text.toString();
  }

  private void counts(RunReport run) {
    Map<String, Object> p = run.parameters();
    boolean jobs = flag(p, "old_completed");
    boolean failed = flag(p, "old_failed");
    boolean orphans = flag(p, "orphans");
    out.println(run.dryRun() ? "Would delete (dry run: nothing was deleted):" : "Deleted:");
    category(
        "completed jobs", "older than " + days(p.get("completed_days")), jobs, run.completedJobs());
    category("failed jobs", "older than " + days(p.get("failed_days")), failed, run.failedJobs());
    category(
        "cancelled jobs",
        "older than " + days(p.get("cancelled_days")),
        failed,
        run.cancelledJobs());
    category("unfinished deletions", "resumed", true, run.resumedJobs());
    String grace = "untouched for " + p.get("orphan_grace_hours") + " h";
    category("orphaned uploads", grace, orphans, run.orphanedUploads());
    category("orphaned outputs", grace, orphans, run.orphanedOutputs());
    out.printf(
        "  with them: %d metric row%s, %d upload file%s, %d output director%s%n",
        run.metricsDeleted(),
        plural(run.metricsDeleted()),
        run.uploadFilesDeleted(),
        plural(run.uploadFilesDeleted()),
        run.outputDirsDeleted(),
        run.outputDirsDeleted() == 1 ? "y" : "ies");
    if (run.unrecognizedFound() > 0) {
      out.printf(
          "  unrecognised entries: %d found, %d %s%s%n",
          run.unrecognizedFound(),
          run.unrecognizedDeleted(),
          run.dryRun() ? "would be removed" : "removed",
          flag(p, "include_unrecognized") ? "" : " (--include-unrecognized removes them)");
    }
  }

  private void plan(RunReport run) {
    var plan = run.plan();
    if (plan == null) {
      return;
    }
    if (plan.isPlan()) {
      out.printf(
          "Plan:            %s, %d item%s to delete; apply it with --apply-plan before %s%n",
          plan.planId(), plan.planned(), plural(plan.planned()), plan.expiresAt());
      return;
    }
    out.printf(
        "Plan applied:    %s: %d planned, %d deleted, %d skipped (no longer eligible)%n",
        plan.planId(), plan.planned(), plan.deleted(), plan.skipped());
  }

  private void errors(RunReport run) {
    if (run.errorCount() == 0) {
      return;
    }
    out.println();
    out.println("Errors (" + run.errorCount() + "):");
    run.errors().forEach(error -> out.println("  " + error));
    long more = run.errorCount() - run.errors().size();
    if (more > 0) {
      out.println("  ... and " + more + " more; --list shows every item");
    }
  }

  /** The errors alone, for --quiet. */
  static void errors(PrintWriter err, RunReport run) {
    new HumanOutput(err).errors(run);
  }

  private void category(String what, String rule, boolean selected, long count) {
    if (selected) {
      out.printf("  %-22s %6d  (%s)%n", what, count, rule);
    } else {
      out.printf("  %-22s %6s  (not selected)%n", what, "-");
    }
  }

  static String storage(StorageStats stats) {
    return "uploads "
        + area(stats.uploads())
        + ", outputs "
        + area(stats.outputs())
        + ", total "
        + size(stats.totalSizeBytes());
  }

  private static String area(Area area) {
    return area.count() + " (" + size(area.sizeBytes()) + ")";
  }

  private static String days(Object days) {
    return days + (Integer.valueOf(1).equals(days) ? " day" : " days");
  }

  private static boolean flag(Map<String, Object> parameters, String name) {
    return Boolean.TRUE.equals(parameters.get(name));
  }

  private static String plural(long count) {
    return count == 1 ? "" : "s";
  }

  // ---- items ------------------------------------------------------------------------------------

  void itemsHeading(long total) {
    out.println();
    out.println("Items (" + total + "):");
  }

  void item(ItemView item) {
    String what =
        item.jobId() != null && !item.category().startsWith("orphan")
            ? item.jobId().toString()
            : item.path();
    out.printf(
        "  %-12s %-14s %9s %9s  %s  %s%s%n",
        item.result(),
        item.category(),
        age(item.ageSeconds()),
        size(item.bytes()),
        what,
        item.reason(),
        item.error() == null ? "" : "; error: " + item.error());
  }

  // ---- statistics -------------------------------------------------------------------------------

  void stats(StorageStats stats) {
    out.println("Storage (" + stats.source() + ", " + time(stats.generatedAt()) + "):");
    out.printf("  uploads %8d  %10s%n", stats.uploads().count(), size(stats.uploads().sizeBytes()));
    out.printf("  outputs %8d  %10s%n", stats.outputs().count(), size(stats.outputs().sizeBytes()));
    out.printf("  total   %8s  %10s%n", "", size(stats.totalSizeBytes()));
    out.println("Jobs:            " + counts(stats.jobs()));
    out.println("Reclaimable now: " + counts(stats.reclaimable()));
    out.println("Orphans:         " + scan(stats.orphans()));
    out.println("Unrecognised:    " + scan(stats.unrecognized()));
    out.printf(
        "Disk:            %s free of %s (%.1f%% used)%n",
        size(stats.disk().freeBytes()),
        size(stats.disk().totalBytes()),
        stats.disk().usedPercent());
    out.println("Schedule:        " + schedule(stats.scheduler()));
    out.printf(
        "Retention:       completed %s, failed %s, cancelled %s, orphan grace %d h%n",
        days(stats.retention().completedDays()),
        days(stats.retention().failedDays()),
        days(stats.retention().cancelledDays()),
        stats.retention().orphanGraceHours());
    if (stats.stuck().count() > 0) {
      out.printf(
          "Stuck:           %d parked deletion(s), %s; fix the cause, then: cleanup"
              + " --retry-stuck%n",
          stats.stuck().count(), size(stats.stuck().bytes()));
      for (var item : stats.stuck().first()) {
        out.printf(
            "  %-6s %s  %d attempts  %s%n  %8s %s%n",
            item.kind(),
            item.jobId(),
            item.attempts(),
            oneLine(item.path()),
            "",
            oneLine(item.error()));
      }
      if (stats.stuck().count() > stats.stuck().first().size()) {
        out.printf("  ... and %d more%n", stats.stuck().count() - stats.stuck().first().size());
      }
    }
  }

  /** The result of {@code stats --verify} or {@code --repair}. */
  void check(Check check) {
    if (check.clean()) {
      out.println("Totals match the jobs (checked " + time(check.checkedAt()) + ").");
      return;
    }
    out.printf("Totals differ from the jobs in %d place(s):%n", check.drifts().size());
    for (Drift drift : check.drifts()) {
      out.printf(
          "  %-9s %-20s kept %d jobs, %s + %s; jobs say %d jobs, %s + %s%n",
          drift.name(),
          drift.span() == null ? "(all)" : drift.span() + " " + time(drift.start()),
          drift.stored().jobs(),
          size(drift.stored().uploadBytes()),
          size(drift.stored().outputBytes()),
          drift.actual().jobs(),
          size(drift.actual().uploadBytes()),
          size(drift.actual().outputBytes()));
    }
    if (check.repaired()) {
      out.println("Corrected; a second check finds the totals right.");
    } else {
      out.println(
          "Correct them with: stats --repair (one at a time; it adds the difference found)");
    }
  }

  private static String counts(Map<String, CountAndBytes> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().count() + " (" + size(e.getValue().bytes()) + ")")
        .collect(Collectors.joining(", "));
  }

  private static String scan(Scan scan) {
    if (scan.scannedAt() == null) {
      return "not scanned yet (a cleanup run scans for them)";
    }
    return scan.count()
        + " ("
        + size(scan.bytes())
        + "), as of the run of "
        + time(scan.scannedAt());
  }

  private static String schedule(Scheduler scheduler) {
    if (!scheduler.enabled()) {
      return "disabled (CLEANUP_ENABLED=false)";
    }
    StringBuilder text =
        new StringBuilder("every ").append(trim(scheduler.intervalHours())).append(" h");
    if (scheduler.lastRun() != null) {
      text.append("; last run ")
          .append(time(scheduler.lastRun().startedAt()))
          .append(" ")
          .append(scheduler.lastRun().outcome());
    }
    text.append("; last success ")
        .append(scheduler.lastSuccessAt() == null ? "never" : time(scheduler.lastSuccessAt()));
    if (scheduler.nextRun() != null) {
      text.append("; next run ").append(time(scheduler.nextRun()));
    }
    if (scheduler.overdue()) {
      text.append("; OVERDUE (no successful run for two intervals)");
    }
    return text.toString();
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }

  static String time(Instant instant) {
    return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** {@code n thing} or {@code n things}. */
  static String count(long n, String thing) {
    return n + " " + thing + plural(n);
  }

  /**
   * A name or reason from files, rows or a source database on one line of a report: a newline in it
   * must not forge a line of output, so line breaks show as {@code \n}/{@code \r} and other control
   * characters as {@code ?}.
   */
  static String escaped(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder shown = new StringBuilder();
    text.codePoints()
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)) {
                shown.append(cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "?");
              } else {
                shown.appendCodePoint(cp);
              }
            });
    return shown.toString();
  }

  /** A value that may hold control characters, on one line of a terminal. */
  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder line = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> line.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
    return line.toString();
  }
}
