package dev.storekeeper.cli;

/**
 * Decides whether the jar was started as a command ({@code cleanup}, {@code stats}) rather than as
 * the service, and runs it. The command starts Spring without a web server or workers.
 */
public final class CliLauncher {

  private CliLauncher() {}

  public static boolean isCommand(String[] args) {
    return args.length > 0 && (args[0].equals("cleanup") || args[0].equals("stats"));
  }

  public static int run(String[] args) {
    System.err.println("storekeeper: the " + args[0] + " command is not available yet");
    return 2;
  }
}
