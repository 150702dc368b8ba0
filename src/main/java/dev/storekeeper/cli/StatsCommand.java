package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.jobs.JobTotalsService;
import dev.storekeeper.jobs.JobTotalsService.Check;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code stats}: the storage statistics of {@code GET /cleanup/stats}. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Prints the storage statistics: uploads, outputs, jobs by status, what the next cleanup"
          + " would reclaim, orphans found by the last scan, disk, schedule and retention.",
      "Figures come from the database's accounting unless --scan is given.",
      "--verify recomputes the accounting's running totals from the jobs and lists any drift"
          + " (exit 1 when they differ); --repair also corrects it."
    })
final class StatsCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print the statistics as JSON (as GET /cleanup/stats).")
  boolean json;

  @Option(
      names = "--scan",
      description = "Measure uploads and outputs on disk instead (exact, slower on large stores).")
  boolean scan;

  @Option(
      names = "--verify",
      description =
          "Recompute the running totals from the jobs (reads every job) and list what differs;"
              + " exit 1 when anything does.")
  boolean verify;

  @Option(
      names = "--repair",
      description =
          "As --verify, then correct the totals by what differs (run one at a time); exit 0 when a"
              + " second check finds them right.")
  boolean repair;

  @Spec CommandSpec spec;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  StatsCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    if ((verify || repair) && scan) {
      throw new ParameterException(
          spec.commandLine(), "--scan cannot be combined with --verify or --repair");
    }
    try (CliContext context = contexts.get()) {
      if (verify || repair) {
        return check(context);
      }
      StorageStats stats = context.reports().stats(scan);
      if (json) {
        JsonDocument.write(context.json(), streams.out(), stats);
      } else {
        new HumanOutput(streams.outWriter()).stats(stats);
      }
      streams.flush();
      return ExitCodes.OK;
    }
  }

  private int check(CliContext context) {
    JobTotalsService totals = context.bean(JobTotalsService.class);
    Check check = repair ? totals.repair() : totals.verify();
    if (json) {
      JsonDocument.write(context.json(), streams.out(), check);
    } else {
      new HumanOutput(streams.outWriter()).check(check);
    }
    streams.flush();
    boolean right = repair ? check.repaired() : check.clean();
    return right ? ExitCodes.OK : ExitCodes.DRIFT;
  }
}
