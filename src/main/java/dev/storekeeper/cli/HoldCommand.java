package dev.storekeeper.cli;

import dev.storekeeper.cleanup.HoldService;
import dev.storekeeper.jobs.Job;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hold JOB --reason TEXT}: no cleanup deletes the job until it is released. */
@Command(
    name = "hold",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Puts a job on hold: no cleanup deletes it (retention, capacity, a plan, a single-job"
          + " delete) until 'release' lifts the hold. Pending and running jobs may be held; the"
          + " hold survives their completion. Holding a held job again replaces the reason."
    })
final class HoldCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.", converter = JobId.class)
  UUID job;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why the job must be kept (one line; shown in 'holds' and in runs).")
  String reason;

  @Option(names = "--json", description = "Print the held job as JSON (as PUT /jobs/{id}/hold).")
  boolean json;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  HoldCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    try (CliContext context = contexts.get()) {
      Job held = context.bean(HoldService.class).hold(job, reason, "cli");
      HoldOutput.print(streams, context, json, held);
      return ExitCodes.OK;
    }
  }
}
