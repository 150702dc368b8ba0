package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stats}: the storage statistics of {@code GET /cleanup/stats}. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Prints the storage statistics: uploads, outputs, jobs by status, what the next cleanup"
          + " would reclaim, orphans found by the last scan, disk, schedule and retention.",
      "Figures come from the database's accounting unless --scan is given."
    })
final class StatsCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print the statistics as JSON (as GET /cleanup/stats).")
  boolean json;

  @Option(
      names = "--scan",
      description = "Measure uploads and outputs on disk instead (exact, slower on large stores).")
  boolean scan;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  StatsCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    try (CliContext context = contexts.get()) {
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
}
