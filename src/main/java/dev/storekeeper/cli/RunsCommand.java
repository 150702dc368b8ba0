package dev.storekeeper.cli;

import dev.storekeeper.NotFoundException;
import dev.storekeeper.cleanup.CleanupReports.RunPage;
import dev.storekeeper.cleanup.CleanupReports.RunReport;
import dev.storekeeper.cleanup.CleanupReports.RunSummary;
import dev.storekeeper.cleanup.CleanupRun;
import dev.storekeeper.cleanup.CleanupService;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runs}: the ledger, newest run first; {@code runs show RUN_ID}: one run with its items. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Lists the recorded cleanup runs (the ledger) of every trigger, newest first: when, what"
          + " started it, the outcome, what was deleted and freed. CLEANUP_HISTORY_DAYS bounds how"
          + " far back it goes.",
      "'runs show RUN_ID' shows one run; with --list every item and its reason."
    })
final class RunsCommand implements Callable<Integer> {

  private static final int DEFAULT_LIMIT = 20;

  @Option(
      names = "--limit",
      paramLabel = "N",
      converter = PageSize.class,
      description = "List at most N runs (1..1000, default " + DEFAULT_LIMIT + ").")
  Integer limit;

  @Option(names = "--json", description = "Print the list as JSON (as GET /cleanup/runs).")
  boolean json;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  RunsCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    try (CliContext context = contexts.get()) {
      CleanupService cleanup = context.cleanup();
      int size = limit == null ? DEFAULT_LIMIT : limit;
      long total = cleanup.countRuns();
      List<RunSummary> runs = cleanup.list(0, size).stream().map(RunSummary::of).toList();
      if (json) {
        JsonDocument.write(context.json(), streams.out(), new RunPage(total, 0, size, runs, null));
      } else {
        list(total, runs);
      }
      streams.flush();
      return ExitCodes.OK;
    }
  }

  private void list(long total, List<RunSummary> runs) {
    PrintWriter out = streams.outWriter();
    out.println("Runs: " + total + (total == 0 ? "" : " (newest first)"));
    if (runs.isEmpty()) {
      return;
    }
    String format = "  %-20s  %-8s  %-5s  %-9s  %5s  %7s  %9s  %8s  %6s  %s%n";
    out.printf(
        format,
        "STARTED",
        "TRIGGER",
        "KIND",
        "OUTCOME",
        "JOBS",
        "ORPHANS",
        "FREED",
        "DURATION",
        "ERRORS",
        "RUN");
    for (RunSummary run : runs) {
      long jobs = run.completedJobs() + run.failedJobs() + run.cancelledJobs() + run.resumedJobs();
      out.printf(
          format,
          HumanOutput.time(run.startedAt()),
          run.trigger(),
          kind(run),
          run.outcome(),
          jobs,
          run.orphanedUploads() + run.orphanedOutputs(),
          HumanOutput.size(run.bytesFreed()),
          HumanOutput.duration(run.durationMs()),
          run.errorCount(),
          run.runId());
    }
    if (total > runs.size()) {
      out.println("  ... and " + (total - runs.size()) + " older (--limit)");
    }
  }

  /** A plan is a dry run kept to be applied; an apply is the real run of a plan. */
  private static String kind(RunSummary run) {
    if (run.isPlan()) {
      return "plan";
    }
    if (run.planId() != null) {
      return "apply";
    }
    return run.dryRun() ? "dry" : "real";
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description = {
        "Shows one recorded run: its trigger, parameters, outcome, counts and errors; with --list"
            + " every item (id or path, age, size, reason, result)."
      })
  int show(
      @Parameters(
              index = "0",
              paramLabel = "RUN_ID",
              description = "The run id (run_id), as 'runs' and every run report show it.",
              converter = RunId.class)
          UUID runId,
      @Option(
              names = "--list",
              description = "Print every item (with --json: all items instead of the first 100).")
          boolean list,
      @Option(names = "--json", description = "Print the run as JSON (as GET /cleanup/runs/{id}).")
          boolean asJson) {
    try (CliContext context = contexts.get()) {
      CleanupRun run =
          context
              .cleanup()
              .find(runId)
              .orElseThrow(
                  () ->
                      new NotFoundException(
                          "No cleanup run with id "
                              + runId
                              + " (runs older than CLEANUP_HISTORY_DAYS are forgotten)"));
      RunItems items = new RunItems(context, run);
      if (asJson) {
        RunReport report =
            context.reports().report(run, 0, list ? 0 : CleanupCommand.JSON_ITEMS, false, null);
        JsonDocument.write(context.json(), streams.out(), report, list ? items::forEach : null);
      } else {
        HumanOutput output = new HumanOutput(streams.outWriter());
        output.recordedRun(context.reports().report(run, 0, 0, false, null));
        if (list) {
          output.itemsHeading(run.counts().itemsRecorded());
          items.forEach(output::item);
        }
      }
      streams.flush();
      return ExitCodes.OK;
    }
  }
}
