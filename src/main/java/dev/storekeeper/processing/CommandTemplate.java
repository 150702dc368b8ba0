package dev.storekeeper.processing;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code PROCESSOR_COMMAND} split into arguments without a shell.
 *
 * <p>Whitespace separates arguments. Single and double quotes group characters, including
 * whitespace, into one argument and are removed; quoted and unquoted text next to each other joins
 * into one argument ({@code --name="a b"} is {@code --name=a b}), and {@code ""} is an empty
 * argument. There are no escapes: a backslash is an ordinary character, and a quote of one kind is
 * written inside quotes of the other kind.
 *
 * <p>{@code {input}} and {@code {output_dir}} are replaced wherever they appear, after splitting
 * and in a single pass, so a substituted path is always exactly one argument (or part of one) and
 * is never itself searched for placeholders. Other braces, as in {@code awk '{print $1}'}, are
 * kept.
 */
final class CommandTemplate {

  static final String INPUT = "{input}";
  static final String OUTPUT_DIR = "{output_dir}";

  private final String source;
  private final List<String> arguments;

  private CommandTemplate(String source, List<String> arguments) {
    this.source = source;
    this.arguments = List.copyOf(arguments);
  }

  /**
   * @throws IllegalArgumentException if the template is null or blank, or a quote is not closed
   */
  static CommandTemplate parse(String template) {
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException(
          "PROCESSOR_COMMAND is empty: set it to a command line such as"
              + " '/opt/tools/analyse --in {input} --out {output_dir}'");
    }
    List<String> arguments = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inArgument = false;
    char quote = 0;
    int quoteStart = -1;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          current.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        quoteStart = i;
        inArgument = true;
      } else if (Character.isWhitespace(c)) {
        if (inArgument) {
          arguments.add(current.toString());
          current.setLength(0);
          inArgument = false;
        }
      } else {
        current.append(c);
        inArgument = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException(
          "PROCESSOR_COMMAND has an unterminated "
              + (quote == '"' ? "double" : "single")
              + " quote starting at position "
              + (quoteStart + 1)
              + ": "
              + template);
    }
    if (inArgument) {
      arguments.add(current.toString());
    }
    return new CommandTemplate(template, arguments);
  }

  /** The arguments before substitution; the first one is the program. */
  List<String> arguments() {
    return arguments;
  }

  /** The arguments with every placeholder replaced by the given (absolute) paths. */
  List<String> render(String input, String outputDir) {
    List<String> rendered = new ArrayList<>(arguments.size());
    for (String argument : arguments) {
      rendered.add(substitute(argument, input, outputDir));
    }
    return rendered;
  }

  private static String substitute(String argument, String input, String outputDir) {
    StringBuilder out = new StringBuilder(argument.length());
    int i = 0;
    while (i < argument.length()) {
      if (argument.startsWith(INPUT, i)) {
        out.append(input);
        i += INPUT.length();
      } else if (argument.startsWith(OUTPUT_DIR, i)) {
        out.append(outputDir);
        i += OUTPUT_DIR.length();
      } else {
        out.append(argument.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return source;
  }
}
