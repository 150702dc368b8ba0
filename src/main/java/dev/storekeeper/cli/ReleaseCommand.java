package dev.storekeeper.cli;

import dev.storekeeper.cleanup.HoldService;
import dev.storekeeper.jobs.Job;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code release JOB}: lifts a hold; the job is then retained like any other. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Releases a job's hold: from then on retention and the other cleanups treat it like any"
          + " other job. Releasing a job that is not held is not an error."
    })
final class ReleaseCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.", converter = JobId.class)
  UUID job;

  @Option(names = "--json", description = "Print the job as JSON (as DELETE /jobs/{id}/hold).")
  boolean json;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  ReleaseCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    try (CliContext context = contexts.get()) {
      Job released = context.bean(HoldService.class).release(job);
      HoldOutput.print(streams, context, json, released);
      return ExitCodes.OK;
    }
  }
}
