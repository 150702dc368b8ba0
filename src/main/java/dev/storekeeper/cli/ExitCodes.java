package dev.storekeeper.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of the operator commands; {@code --help} and docs/cli.md list them. */
final class ExitCodes {

  static final int OK = 0;

  /** The run finished, but some items could not be deleted (outcome partial), or it failed. */
  static final int INCOMPLETE = 1;

  /** Asked on a terminal, the operator did not confirm the deletion: nothing was deleted. */
  static final int DECLINED = 1;

  /** {@code stats --verify}: the running totals differ from the jobs they count. */
  static final int DRIFT = 1;

  /** Usage error, invalid option value, or invalid configuration. */
  static final int USAGE = 2;

  /** Another cleanup run holds the lock. */
  static final int ALREADY_RUNNING = 3;

  /** The database or the data directories cannot be reached. */
  static final int UNREACHABLE = 4;

  /**
   * Something failed that the command cannot explain (a bug, or the JVM running out of memory): one
   * message on stderr, never a stack trace; like 4, nothing was decided about the data.
   */
  static final int INTERNAL = 4;

  /** The exit code list of the commands' help. */
  static final Map<String, String> HELP = helpList();

  private static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    list.put("0", "Success.");
    list.put(
        "1",
        "Finished, but some items could not be deleted (outcome partial), or the run failed"
            + " (outcome failed); the errors are listed. Also: the confirmation on a terminal"
            + " was not given, and nothing was deleted; stats --verify: the running totals"
            + " differ from the jobs (listed); --repair: they still do after the correction.");
    list.put(
        "2",
        "Usage error, invalid option value or invalid configuration; the message names the"
            + " option or the variable.");
    list.put("3", "Another cleanup is running; its run id is printed.");
    list.put(
        "4",
        "The database or the data directories cannot be reached, or an internal error stopped"
            + " the command (one message; details with LOGGING_LEVEL_DEV_STOREKEEPER_CLI=DEBUG).");
    return Collections.unmodifiableMap(list);
  }

  private ExitCodes() {}
}
