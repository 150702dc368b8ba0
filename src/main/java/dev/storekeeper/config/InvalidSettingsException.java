package dev.storekeeper.config;

import java.util.List;

/**
 * The configuration cannot be used: a setting has an invalid value, a name is not a setting, the
 * settings file has a malformed line. Each problem names what the operator wrote (the variable, the
 * file and line), never an internal property. {@link SettingsFailureAnalyzer} turns it into Spring
 * Boot's failure report; the CLI prints the same text and exits with 2.
 */
public final class InvalidSettingsException extends RuntimeException {

  private final List<String> problems;

  public InvalidSettingsException(String problem) {
    this(List.of(problem));
  }

  InvalidSettingsException(List<String> problems) {
    super("Invalid configuration: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  /** What the operator reads: one problem per line. */
  String description() {
    StringBuilder text = new StringBuilder("Invalid configuration:");
    problems.forEach(problem -> text.append(System.lineSeparator()).append("  - ").append(problem));
    return text.toString();
  }
}
