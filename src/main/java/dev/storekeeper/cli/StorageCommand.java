package dev.storekeeper.cli;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code storage ACTION ...}: operations on the storage backend itself; one subcommand each. */
@Command(
    name = "storage",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = StorageMigrateCommand.class,
    description = {"Operations on where uploads and outputs are stored."})
final class StorageCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  StorageCommand(Streams streams, Supplier<CliContext> contexts) {}

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing the operation: migrate");
  }
}
