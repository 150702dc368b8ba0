package dev.storekeeper.cli;

import dev.storekeeper.cleanup.ForecastService;
import dev.storekeeper.cleanup.ForecastService.Day;
import dev.storekeeper.cleanup.ForecastService.Forecast;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forecast}: what retention deletes in the coming days, as GET /cleanup/forecast. */
@Command(
    name = "forecast",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Prints, per UTC date from today, the jobs and bytes that pass their retention (by status),"
          + " what keep-last and holds keep back, and projected usage against the watermarks at"
          + " the upload rate of the last 7 days.",
      "From the database's accounting; nothing is deleted."
    })
final class ForecastCommand implements Callable<Integer> {

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Days to forecast, today included: 1 to 365 (default 14).",
      converter = ForecastDays.class)
  int days = ForecastService.DEFAULT_DAYS;

  @Option(names = "--json", description = "Print the forecast as JSON (as GET /cleanup/forecast).")
  boolean json;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  ForecastCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    try (CliContext context = contexts.get()) {
      Forecast forecast = context.bean(ForecastService.class).forecast(days);
      if (json) {
        JsonDocument.write(context.json(), streams.out(), forecast);
      } else {
        print(forecast, streams.outWriter());
      }
      streams.flush();
      return ExitCodes.OK;
    }
  }

  private static void print(Forecast forecast, PrintWriter out) {
    out.printf(
        "Usage now: %d %% (%s, %s); watermarks: high %d %%, low %d %%%n",
        forecast.usage().usagePercent(),
        forecast.usage().source(),
        forecast.usage().where(),
        forecast.usage().highWatermarkPercent(),
        forecast.usage().lowWatermarkPercent());
    out.printf(
        "Upload rate: %d bytes/day (%d jobs, %d bytes created in the last %d days)%n",
        forecast.uploadRate().bytesPerDay(),
        forecast.uploadRate().jobsInWindow(),
        forecast.uploadRate().bytesInWindow(),
        forecast.uploadRate().windowDays());
    out.printf(
        "%-10s %9s %9s %9s %13s %9s %9s %8s%n",
        "date", "completed", "failed", "cancelled", "bytes", "keep-last", "held", "usage");
    for (Day day : forecast.perDay()) {
      out.printf(
          "%-10s %9d %9d %9d %13d %9d %9d %6d %%%s%n",
          day.date(),
          day.expiring().get("completed").jobs(),
          day.expiring().get("failed").jobs(),
          day.expiring().get("cancelled").jobs(),
          day.total().bytes(),
          day.keptByKeepLast().jobs(),
          day.keptByHolds().jobs(),
          day.projectedUsagePercent(),
          day.projectedAboveHighWatermark() ? " (above high)" : "");
    }
    out.printf(
        "Total: %d jobs, %d bytes pass their retention in %d days%n",
        forecast.totalExpiring().jobs(), forecast.totalExpiring().bytes(), forecast.days());
  }
}
