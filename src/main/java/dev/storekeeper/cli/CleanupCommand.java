package dev.storekeeper.cli;

import dev.storekeeper.cleanup.AlreadyRunningException;
import dev.storekeeper.cleanup.CapacityService;
import dev.storekeeper.cleanup.CleanupItem;
import dev.storekeeper.cleanup.CleanupProgress;
import dev.storekeeper.cleanup.CleanupReports.ItemView;
import dev.storekeeper.cleanup.CleanupReports.RunReport;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.cleanup.CleanupRequest;
import dev.storekeeper.cleanup.CleanupRun;
import dev.storekeeper.cleanup.Outcome;
import dev.storekeeper.cleanup.Trigger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cleanup}: one cleanup run through the cleanup service, reported for an operator. */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Deletes old finished jobs (row, metrics, upload, outputs) and orphaned files, like the"
          + " scheduled cleanup. Selectors combine; none selected means a full cleanup.",
      "Reads the service's configuration (environment and .env); works whether the service is"
          + " running or not. Only one cleanup runs at a time, across all nodes."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  cleanup-storage --dry-run                      preview a full cleanup",
      "  cleanup-storage --orphaned-only                orphaned files only",
      "  cleanup-storage --old-completed --old-failed   old finished jobs, no orphans",
      "  cleanup-storage --completed-days 60 --failed-days 14",
      "  cleanup-storage --dry-run --list               every item, with its reason",
      "  cleanup-storage --json > run.json              the run result as JSON"
    })
final class CleanupCommand implements Callable<Integer> {

  private static final int PAGE = 500;

  /** As many items as the HTTP API puts in a run result; --list includes them all. */
  static final int JSON_ITEMS = 100;

  @Option(names = "--dry-run", description = "Report what would be deleted; delete nothing.")
  boolean dryRun;

  @Option(names = "--orphaned-only", description = "Clean orphaned files (uploads and outputs).")
  boolean orphanedOnly;

  @Option(names = "--old-completed", description = "Clean completed jobs past their retention.")
  boolean oldCompleted;

  @Option(
      names = "--old-failed",
      description = "Clean failed and cancelled jobs past their retention.")
  boolean oldFailed;

  @Option(
      names = "--completed-days",
      paramLabel = "N",
      converter = Days.class,
      description = "Keep completed jobs N days for this run (default: RETENTION_COMPLETED_DAYS).")
  Integer completedDays;

  @Option(
      names = "--failed-days",
      paramLabel = "N",
      converter = Days.class,
      description = "Keep failed jobs N days for this run (default: RETENTION_FAILED_DAYS).")
  Integer failedDays;

  @Option(
      names = "--cancelled-days",
      paramLabel = "N",
      converter = Days.class,
      description = "Keep cancelled jobs N days for this run (default: RETENTION_CANCELLED_DAYS).")
  Integer cancelledDays;

  @Option(
      names = "--include-unrecognized",
      description =
          "Also remove entries of the data directories whose names are not ours (older than"
              + " ORPHAN_GRACE_HOURS). By default they are only reported.")
  boolean includeUnrecognized;

  @Option(
      names = "--keep-last",
      paramLabel = "N",
      converter = KeepLast.class,
      description =
          "Keep the N most recently completed jobs whatever their age, for this run (default:"
              + " RETENTION_KEEP_LAST).")
  Integer keepLast;

  @Option(
      names = "--retry-stuck",
      description =
          "Retry deletions parked as stuck (they failed CLEANUP_MAX_ITEM_ATTEMPTS runs in a row;"
              + " 'stats' lists them), once their cause is fixed.")
  boolean retryStuck;

  @Option(
      names = "--capacity",
      description =
          "A capacity run instead: delete eligible finished jobs, oldest first, until usage is"
              + " below STORAGE_LOW_WATERMARK_PERCENT (with --dry-run: what it would delete now)."
              + " Takes no selectors, retention overrides, --keep-last or --retry-stuck.")
  boolean capacity;

  @Option(
      names = "--list",
      description = "Print every item: id or path, age, size, reason (with --json: all items).")
  boolean list;

  @Option(
      names = "--json",
      description =
          "Print the run result as JSON (the document of POST /cleanup/run, with the first "
              + JSON_ITEMS
              + " items) and nothing else on stdout.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing on success; errors still go to stderr.")
  boolean quiet;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  CleanupCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  CleanupRequest request() {
    return new CleanupRequest(
        Trigger.CLI,
        dryRun,
        oldCompleted,
        oldFailed,
        orphanedOnly,
        completedDays,
        failedDays,
        cancelledDays,
        includeUnrecognized,
        retryStuck,
        keepLast);
  }

  /** What a capacity run decides for itself: asking for any of it with --capacity is refused. */
  private void refuseWithCapacity() {
    Map<String, Boolean> given = new LinkedHashMap<>();
    given.put("--orphaned-only", orphanedOnly);
    given.put("--old-completed", oldCompleted);
    given.put("--old-failed", oldFailed);
    given.put("--completed-days", completedDays != null);
    given.put("--failed-days", failedDays != null);
    given.put("--cancelled-days", cancelledDays != null);
    given.put("--include-unrecognized", includeUnrecognized);
    given.put("--keep-last", keepLast != null);
    given.put("--retry-stuck", retryStuck);
    given.forEach(
        (flag, set) -> {
          if (set) {
            throw new CliFailure(
                ExitCodes.USAGE,
                flag
                    + " cannot be combined with --capacity: a capacity run deletes eligible"
                    + " finished jobs, oldest first, until usage is below the low watermark",
                null);
          }
        });
  }

  @Override
  public Integer call() {
    if (capacity) {
      refuseWithCapacity();
    }
    try (CliContext context = contexts.get()) {
      boolean human = !json && !quiet;
      StorageStats before = human ? context.reports().stats(false) : null;
      CleanupRun run = run(context, human && streams.progress());
      if (json) {
        printJson(context, run);
      } else if (human) {
        printReport(context, run, before);
      } else {
        printQuietly(context, run);
      }
      streams.flush();
      return run.outcome() == Outcome.SUCCEEDED ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
  }

  private CleanupRun run(CliContext context, boolean progressBar) {
    ProgressBar bar = progressBar ? new ProgressBar(streams.err(), dryRun, System::nanoTime) : null;
    try {
      CleanupProgress progress = bar == null ? CleanupProgress.NONE : bar;
      if (capacity) {
        return context.bean(CapacityService.class).run(Trigger.CLI, dryRun, progress);
      }
      return context.cleanup().run(request(), progress);
    } catch (AlreadyRunningException busy) {
      throw new CliFailure(
          ExitCodes.ALREADY_RUNNING,
          busy.getMessage() + System.lineSeparator() + "Try again when it has finished.",
          busy);
    } finally {
      if (bar != null) {
        bar.clear();
      }
    }
  }

  /** The document of the HTTP API; with --list, every item instead of the first page. */
  private void printJson(CliContext context, CleanupRun run) {
    RunReport report = context.reports().report(run, 0, list ? 0 : JSON_ITEMS, true, null);
    JsonDocument.write(context.json(), streams.out(), report, list ? pages(context, run) : null);
  }

  private void printReport(CliContext context, CleanupRun run, StorageStats before) {
    RunReport report = context.reports().report(run, 0, 0, true, null);
    HumanOutput output = new HumanOutput(streams.outWriter());
    output.runReport(before, report);
    if (list) {
      output.itemsHeading(report.itemsTotal());
      forEachItem(context, run, output::item);
    }
  }

  /** --quiet: the items if asked for, and the errors on stderr. */
  private void printQuietly(CliContext context, CleanupRun run) {
    if (list) {
      forEachItem(context, run, new HumanOutput(streams.outWriter())::item);
    }
    HumanOutput.errors(streams.err(), context.reports().report(run, 0, 0, false, null));
  }

  /** Every item of the run, a page at a time: memory does not grow with the size of the run. */
  private static void forEachItem(CliContext context, CleanupRun run, Consumer<ItemView> action) {
    long after = 0;
    while (true) {
      List<CleanupItem> page = context.cleanup().items(run.id(), after, PAGE);
      page.forEach(item -> action.accept(context.reports().item(item)));
      if (page.size() < PAGE) {
        return;
      }
      after = page.get(page.size() - 1).seq();
    }
  }

  private static JsonDocument.Items pages(CliContext context, CleanupRun run) {
    return action -> forEachItem(context, run, action);
  }
}
