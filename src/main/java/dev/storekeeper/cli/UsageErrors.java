package dev.storekeeper.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints a usage error as one message that names the option, a suggestion for a mistyped one, and
 * where to find help; exit code 2. A bad value reads {@code --completed-days must be a whole number
 * >= 0, got "-3"}.
 */
final class UsageErrors implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(CliLauncher.name(command) + ": " + message(e));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + CliLauncher.name(command) + " --help' for the options.");
    err.flush();
    return ExitCodes.USAGE;
  }

  static String message(ParameterException e) {
    if (e.getArgSpec() instanceof OptionSpec option
        && e.getCause() instanceof TypeConversionException conversion) {
      return option.longestName() + " " + conversion.getMessage();
    }
    return e.getMessage();
  }
}
