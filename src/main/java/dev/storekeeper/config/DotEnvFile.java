package dev.storekeeper.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings file ({@code .env}, or the file {@code ENV_FILE} names), read the way operators
 * write it for a shell or Docker:
 *
 * <ul>
 *   <li>blank lines and lines starting with {@code #} are ignored;
 *   <li>{@code NAME=value}, with optional spaces around {@code =}; {@code export NAME=value} is the
 *       same line;
 *   <li>an unquoted value ends at the end of the line or at a {@code #} after a space (a comment);
 *       surrounding spaces are dropped;
 *   <li>{@code 'value'} is taken literally; in {@code "value"} a backslash escapes {@code \"},
 *       {@code \\}, {@code \$}, {@code \n}, {@code \r} and {@code \t}, and any other backslash is
 *       refused (write {@code C:\data} unquoted or in single quotes);
 *   <li>after a closing quote only spaces and a comment may follow.
 * </ul>
 *
 * <p>Anything else — a line without {@code =}, a name that is not a name, an unclosed quote, a name
 * set twice — is refused naming the file and the line, never skipped: a skipped line is a setting
 * silently not applied, in a tool that deletes data. Values are never echoed in problems (a line
 * may hold a token).
 */
final class DotEnvFile {

  private static final Pattern ASSIGNMENT =
      Pattern.compile("\\s*(?:export\\s+)?([^=\\s]*)\\s*=\\s*(.*)", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

  /** A value and the line it was set on. */
  record Entry(String value, int line) {}

  /** The values read, in file order, and every problem found. */
  record Contents(Path file, Map<String, Entry> entries, List<String> problems) {

    Map<String, Object> values() {
      Map<String, Object> values = new LinkedHashMap<>();
      entries.forEach((name, entry) -> values.put(name, entry.value()));
      return values;
    }
  }

  private DotEnvFile() {}

  /** Reads {@code file}; a file that does not exist has no entries and no problems. */
  static Contents read(Path file) {
    if (!Files.exists(file)) {
      return new Contents(file, Map.of(), List.of());
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      return failed(file, file + " is not UTF-8 text");
    } catch (IOException e) {
      return failed(file, "cannot read " + file + ": " + e.getMessage());
    }
    return parse(file, lines);
  }

  static Contents parse(Path file, List<String> lines) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i);
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String where = file + " line " + number + ": ";
      Matcher assignment = ASSIGNMENT.matcher(line);
      if (!assignment.matches()) {
        problems.add(where + "expected NAME=value");
        continue;
      }
      String name = assignment.group(1);
      if (!NAME.matcher(name).matches()) {
        problems.add(
            where
                + (name.isEmpty()
                    ? "nothing before '='"
                    : "\"" + printable(name) + "\" is not a variable name")
                + " (expected NAME=value)");
        continue;
      }
      String value;
      try {
        value = value(assignment.group(2));
      } catch (IllegalArgumentException malformed) {
        problems.add(where + malformed.getMessage() + " in the value of " + name);
        continue;
      }
      Entry earlier = entries.putIfAbsent(name, new Entry(value, number));
      if (earlier != null) {
        problems.add(where + name + " is already set on line " + earlier.line() + "; set it once");
      }
    }
    return new Contents(file, Collections.unmodifiableMap(entries), List.copyOf(problems));
  }

  private static String value(String raw) {
    if (raw.startsWith("'")) {
      int end = raw.indexOf('\'', 1);
      if (end < 0) {
        throw new IllegalArgumentException("unclosed single quote");
      }
      requireOnlyComment(raw.substring(end + 1));
      return raw.substring(1, end);
    }
    if (raw.startsWith("\"")) {
      StringBuilder value = new StringBuilder();
      for (int i = 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '"') {
          requireOnlyComment(raw.substring(i + 1));
          return value.toString();
        }
        if (c == '\\') {
          if (i + 1 == raw.length()) {
            break;
          }
          char escaped = raw.charAt(++i);
          switch (escaped) {
            case '"', '\\', '$' -> value.append(escaped);
            case 'n' -> value.append('\n');
            case 'r' -> value.append('\r');
            case 't' -> value.append('\t');
            default ->
                throw new IllegalArgumentException(
                    "unknown escape \\"
                        + printable(String.valueOf(escaped))
                        + " inside double quotes (use single quotes for a literal backslash)");
          }
        } else {
          value.append(c);
        }
      }
      throw new IllegalArgumentException("unclosed double quote");
    }
    int comment = commentStart(raw);
    return (comment < 0 ? raw : raw.substring(0, comment)).strip();
  }

  /** A {@code #} that starts the value or follows whitespace starts a comment. */
  private static int commentStart(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && (i == 0 || Character.isWhitespace(raw.charAt(i - 1)))) {
        return i;
      }
    }
    return -1;
  }

  private static void requireOnlyComment(String rest) {
    String trimmed = rest.strip();
    if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
      throw new IllegalArgumentException("text after the closing quote");
    }
  }

  /** A name or character safe to print: control characters shown as escapes. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(64)
        .forEach(
            cp -> {
              if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }

  private static Contents failed(Path file, String problem) {
    return new Contents(file, Map.of(), List.of(problem));
  }
}
