package dev.storekeeper.cli;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code import SOURCE ...}: brings another application's jobs in; one subcommand per source. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = NeuroInsightImportCommand.class,
    description = {"Imports jobs, metrics and files from another application."})
final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  ImportCommand(Streams streams, Supplier<CliContext> contexts) {}

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Missing the application to import from: neuroinsight");
  }
}
