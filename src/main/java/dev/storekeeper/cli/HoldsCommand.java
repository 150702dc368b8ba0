package dev.storekeeper.cli;

import dev.storekeeper.cleanup.HoldService;
import dev.storekeeper.jobs.Job;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code holds}: the held jobs, oldest hold first. */
@Command(
    name = "holds",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {"Lists the held jobs, oldest hold first, with who held them, when and why."})
final class HoldsCommand implements Callable<Integer> {

  @Option(
      names = "--limit",
      paramLabel = "N",
      converter = PageSize.class,
      description = "List at most N holds (1..1000, default 100).")
  Integer limit;

  @Option(names = "--json", description = "Print the list as JSON (as GET /holds).")
  boolean json;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  HoldsCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    try (CliContext context = contexts.get()) {
      HoldService holds = context.bean(HoldService.class);
      long total = holds.countHeld();
      List<Job> page = holds.held(0, limit == null ? 100 : limit);
      HoldOutput.list(streams, context, json, total, page);
      return ExitCodes.OK;
    }
  }
}
