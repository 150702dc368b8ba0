package dev.storekeeper.cli;

import dev.storekeeper.cleanup.AlreadyRunningException;
import dev.storekeeper.cleanup.CapacityService;
import dev.storekeeper.cleanup.Category;
import dev.storekeeper.cleanup.CleanupProgress;
import dev.storekeeper.cleanup.CleanupReports.CountAndBytes;
import dev.storekeeper.cleanup.CleanupReports.RunReport;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.cleanup.CleanupRequest;
import dev.storekeeper.cleanup.CleanupRun;
import dev.storekeeper.cleanup.Outcome;
import dev.storekeeper.cleanup.Trigger;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
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
      names = "--save-plan",
      paramLabel = "FILE",
      description =
          "With --dry-run: keep the dry run as a plan and write it to FILE (JSON) for review;"
              + " --apply-plan deletes what it lists and nothing else.")
  Path savePlan;

  @Option(
      names = "--apply-plan",
      paramLabel = "PLAN",
      description =
          "Delete the items of a plan (its id, or the file --save-plan wrote) that are still"
              + " eligible; nothing else. Its own parameters apply: no selector or retention"
              + " option with it.")
  String applyPlan;

  @Option(
      names = "--force",
      description = "With --apply-plan: apply a plan older than PLAN_MAX_AGE_HOURS.")
  boolean force;

  @Option(
      names = {"-y", "--yes"},
      description =
          "Do not ask for confirmation. A real run started on a terminal shows what it will"
              + " delete and asks first; without a terminal (cron, pipes) it never asks.")
  boolean yes;

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
    given.put("--save-plan", savePlan != null);
    given.put("--apply-plan", applyPlan != null);
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
    requireCombinable();
    Console console = yes || dryRun ? null : System.console();
    if (console != null && applyPlan == null && (includeUnrecognized || retryStuck || capacity)) {
      throw new CliFailure(
          ExitCodes.USAGE,
          (capacity
                  ? "--capacity"
                  : includeUnrecognized ? "--include-unrecognized" : "--retry-stuck")
              + " cannot be planned, so this run cannot show what it will delete before it does:"
              + " add --yes to run it without confirmation",
          null);
    }
    if (savePlan != null) {
      PlanFile.requireWritable(savePlan);
    }
    try (CliContext context = contexts.get()) {
      boolean human = !json && !quiet;
      StorageStats before = human ? context.reports().stats(false) : null;
      CleanupRun run;
      if (applyPlan != null) {
        run = applyPlan(context, planId(context), human && streams.progress());
      } else if (console != null) {
        Optional<CleanupRun> confirmed = confirmed(context, console);
        if (confirmed.isEmpty()) {
          return ExitCodes.DECLINED;
        }
        run = confirmed.get();
      } else if (savePlan != null) {
        run = withProgress(human, true, progress -> context.cleanup().plan(request(), progress));
      } else {
        run = run(context, human && streams.progress());
      }
      if (savePlan != null) {
        PlanFile.write(context, run, savePlan);
      }
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

  /** Refuses option combinations that mean nothing (exit 2, naming the options). */
  private void requireCombinable() {
    if (savePlan != null && !dryRun) {
      throw usage(
          "--save-plan needs --dry-run: a plan is a dry run kept for review (a real run on a"
              + " terminal makes one and asks before it applies it)");
    }
    if (savePlan != null && (includeUnrecognized || retryStuck)) {
      throw usage(
          (includeUnrecognized ? "--include-unrecognized" : "--retry-stuck")
              + " cannot be planned: use it with a run, not with --save-plan");
    }
    if (force && applyPlan == null) {
      throw usage("--force applies only with --apply-plan");
    }
    if (applyPlan == null) {
      return;
    }
    Map<String, Boolean> options = new LinkedHashMap<>();
    options.put("--dry-run", dryRun);
    options.put("--orphaned-only", orphanedOnly);
    options.put("--old-completed", oldCompleted);
    options.put("--old-failed", oldFailed);
    options.put("--completed-days", completedDays != null);
    options.put("--failed-days", failedDays != null);
    options.put("--cancelled-days", cancelledDays != null);
    options.put("--keep-last", keepLast != null);
    options.put("--include-unrecognized", includeUnrecognized);
    options.put("--retry-stuck", retryStuck);
    options.forEach(
        (option, given) -> {
          if (given) {
            throw usage(
                "--apply-plan cannot be combined with "
                    + option
                    + ": the plan's own parameters apply (make a new plan to change them)");
          }
        });
  }

  private static CliFailure usage(String message) {
    return new CliFailure(ExitCodes.USAGE, message, null);
  }

  /** The plan --apply-plan names: an id, or a plan file that matches the stored plan. */
  private UUID planId(CliContext context) {
    Optional<UUID> id = PlanFile.id(applyPlan);
    if (id.isPresent()) {
      return id.get();
    }
    Path file = Path.of(applyPlan);
    UUID named = PlanFile.idIn(context.json(), file);
    PlanFile.requireMatches(context, file, context.cleanup().findPlan(named));
    return named;
  }

  private CleanupRun applyPlan(CliContext context, UUID planId, boolean progressBar) {
    return withProgress(
        progressBar,
        false,
        progress -> context.cleanup().applyPlan(planId, force, Trigger.CLI, progress));
  }

  /**
   * On a terminal: makes a plan, shows it and applies exactly that plan if the operator says yes.
   * Empty when they did not (nothing was deleted).
   */
  private Optional<CleanupRun> confirmed(CliContext context, Console console) {
    CleanupRequest dry = request().asDryRun();
    CleanupRun plan = withProgress(true, true, progress -> context.cleanup().plan(dry, progress));
    PrintWriter tty = console.writer();
    Map<Category, CountAndBytes> totals = context.cleanup().plannedTotals(plan.id());
    long bytes = totals.values().stream().mapToLong(CountAndBytes::bytes).sum();
    if (plan.plannedItems() == 0) {
      tty.println("Nothing to delete.");
      tty.flush();
      return Optional.of(plan);
    }
    tty.println("This cleanup will delete (plan " + plan.id() + "):");
    totals.forEach(
        (category, total) ->
            tty.printf(
                "  %-15s %8d  %10s%n",
                category.value(), total.count(), HumanOutput.size(total.bytes())));
    tty.printf("  %-15s %8d  %10s%n", "total", plan.plannedItems(), HumanOutput.size(bytes));
    tty.flush();
    String answer =
        console.readLine(
            "Delete these %d items (%s)? [y/N] ", plan.plannedItems(), HumanOutput.size(bytes));
    if (answer == null || !YES.contains(answer.strip().toLowerCase(Locale.ROOT))) {
      tty.println(
          "Not confirmed: nothing was deleted. The plan is kept; apply it later with --apply-plan "
              + plan.id()
              + ".");
      tty.flush();
      return Optional.empty();
    }
    return Optional.of(applyPlan(context, plan.id(), streams.progress()));
  }

  private static final Set<String> YES = Set.of("y", "yes");

  private CleanupRun run(CliContext context, boolean progressBar) {
    return withProgress(
        progressBar,
        dryRun,
        progress ->
            capacity
                ? context.bean(CapacityService.class).run(Trigger.CLI, dryRun, progress)
                : context.cleanup().run(request(), progress));
  }

  private CleanupRun withProgress(
      boolean progressBar, boolean dry, Function<CleanupProgress, CleanupRun> work) {
    ProgressBar bar =
        progressBar && streams.progress()
            ? new ProgressBar(streams.err(), dry, System::nanoTime)
            : null;
    try {
      return work.apply(bar == null ? CleanupProgress.NONE : bar);
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
    JsonDocument.write(
        context.json(), streams.out(), report, list ? new RunItems(context, run) : null);
  }

  private void printReport(CliContext context, CleanupRun run, StorageStats before) {
    RunReport report = context.reports().report(run, 0, 0, true, null);
    HumanOutput output = new HumanOutput(streams.outWriter());
    output.runReport(before, report);
    if (list) {
      output.itemsHeading(report.itemsTotal());
      new RunItems(context, run).forEach(output::item);
    }
  }

  /** --quiet: the items if asked for, and the errors on stderr. */
  private void printQuietly(CliContext context, CleanupRun run) {
    if (list) {
      new RunItems(context, run).forEach(new HumanOutput(streams.outWriter())::item);
    }
    HumanOutput.errors(streams.err(), context.reports().report(run, 0, 0, false, null));
  }
}
