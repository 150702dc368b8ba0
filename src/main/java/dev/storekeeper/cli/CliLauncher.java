package dev.storekeeper.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs the jar as an operator command ({@code cleanup}, {@code stats}) instead of the service.
 *
 * <p>The arguments are parsed first, without Spring: {@code --help}, {@code -V} and usage errors
 * answer at once and never touch the database. Only then does the command start its {@link
 * CliContext} (no web server, no workers). Only the result is written to stdout: everything else
 * that would print there (logging included) is sent to stderr.
 */
public final class CliLauncher {

  /** Set by bin/cleanup-storage: the name the operator typed, shown in help and messages. */
  static final String NAME_PROPERTY = "storekeeper.cli.name";

  /** Set by bin/cleanup-storage to whether stderr is a terminal ({@code [ -t 2 ]}). */
  static final String PROGRESS_PROPERTY = "storekeeper.cli.progress";

  private static final String BACKGROUND_PREINITIALIZER = "spring.backgroundpreinitializer.ignore";

  private CliLauncher() {}

  /** Every operator command, by the name it is run with: {@code java -jar ... <name> ...}. */
  private static final Map<String, BiFunction<Streams, Supplier<CliContext>, Object>> COMMANDS =
      commands();

  private static Map<String, BiFunction<Streams, Supplier<CliContext>, Object>> commands() {
    Map<String, BiFunction<Streams, Supplier<CliContext>, Object>> commands = new LinkedHashMap<>();
    commands.put("cleanup", CleanupCommand::new);
    commands.put("stats", StatsCommand::new);
    commands.put("hold", HoldCommand::new);
    commands.put("release", ReleaseCommand::new);
    commands.put("holds", HoldsCommand::new);
    commands.put("runs", RunsCommand::new);
    commands.put("forecast", ForecastCommand::new);
    commands.put("import", ImportCommand::new);
    commands.put("storage", StorageCommand::new);
    return Collections.unmodifiableMap(commands);
  }

  public static boolean isCommand(String[] args) {
    return args.length > 0 && COMMANDS.containsKey(args[0]);
  }

  /** The names of the operator commands, for bin/cleanup-storage and help texts. */
  static Set<String> commandNames() {
    return COMMANDS.keySet();
  }

  /** Runs the command named by {@code args[0]} and returns its exit code. */
  public static int run(String[] args) {
    // Spring Boot warms up, on another thread, what a web service needs first (HTTP message
    // converters with a Jackson 2 mapper, validation, ...): for a command it is wasted CPU time
    if (System.getProperty(BACKGROUND_PREINITIALIZER) == null) {
      System.setProperty(BACKGROUND_PREINITIALIZER, "true");
    }
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      return execute(args, Streams.of(stdout, System.err, progressWanted()), CliContext::start);
    } finally {
      stdout.flush();
      System.setOut(stdout);
    }
  }

  static int execute(String[] args, Streams streams, Supplier<CliContext> contexts) {
    Object command = COMMANDS.get(args[0]).apply(streams, contexts);
    String launcher = System.getProperty(NAME_PROPERTY);
    String name =
        args[0].equals("cleanup")
            ? (launcher == null ? "storekeeper cleanup" : launcher)
            : (launcher == null ? "storekeeper" : launcher) + " " + args[0];
    CommandLine commandLine =
        new CommandLine(command, new Subcommands(streams, contexts))
            .setCommandName(name)
            .setOut(streams.outWriter())
            .setErr(streams.err())
            .setParameterExceptionHandler(new UsageErrors())
            .setExecutionExceptionHandler(CliLauncher::failed);
    // one layout for every command's help: options in declaration order, full terminal width
    commandLine.setUsageHelpAutoWidth(true);
    layout(commandLine);
    commandLine.getSubcommands().values().forEach(CliLauncher::layout);
    int exitCode;
    try {
      exitCode = commandLine.execute(Arrays.copyOfRange(args, 1, args.length));
    } catch (Throwable escaped) {
      // picocli hands exceptions to failed(); an Error (out of memory, stack overflow) passes it
      // by, and must still end as one message and an exit code, never a stack trace
      exitCode = report(Failures.classify(escaped), commandLine);
    }
    streams.flush();
    return exitCode;
  }

  /**
   * Creates subcommands ({@code import neuroinsight}) with the streams and context their parent
   * has; everything else (converters) as picocli does.
   */
  private record Subcommands(Streams streams, Supplier<CliContext> contexts)
      implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        var constructor = type.getDeclaredConstructor(Streams.class, Supplier.class);
        return constructor.newInstance(streams, contexts);
      } catch (NoSuchMethodException none) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  private static void layout(CommandLine commandLine) {
    var usage =
        commandLine
            .getCommandSpec()
            .usageMessage()
            .sortOptions(false)
            .descriptionHeading("%n")
            .optionListHeading("%nOptions:%n")
            .exitCodeListHeading("%nExit codes:%n");
    // a command whose exit codes mean something else (import) declares its own list
    if (usage.exitCodeList().isEmpty()) {
      usage.exitCodeList(ExitCodes.HELP);
    }
  }

  /** The command as typed, subcommands included: {@code storekeeper import neuroinsight}. */
  static String name(CommandLine commandLine) {
    return commandLine.getCommandSpec().qualifiedName();
  }

  private static int failed(Exception e, CommandLine commandLine, ParseResult parsed) {
    return report(Failures.classify(e), commandLine);
  }

  private static int report(CliFailure failure, CommandLine commandLine) {
    commandLine.getErr().println(name(commandLine) + ": " + failure.getMessage());
    commandLine.getErr().flush();
    return failure.exitCode();
  }

  private static boolean progressWanted() {
    String stderrIsTerminal = System.getProperty(PROGRESS_PROPERTY);
    if (stderrIsTerminal != null) {
      return Boolean.parseBoolean(stderrIsTerminal);
    }
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }
}
