package dev.storekeeper.cleanup;

import dev.storekeeper.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Strict parsing of the cleanup endpoints' parameters. Every refusal is a 400 naming the parameter:
 * booleans are {@code true} or {@code false} (any case) and nothing else, numbers are plain decimal
 * digits inside their range, a parameter may appear once, and a name the endpoint does not take is
 * refused rather than ignored (a mistyped {@code dryrun=true} must not become a real run).
 */
public final class QueryParameters {

  /** The largest page any list endpoint answers. */
  public static final int MAX_PAGE = 1000;

  /**
   * The link to the page after {@code [skip, skip + size)} of an offset-paged list at {@code path},
   * or null when that page was the last.
   */
  static String nextPage(String path, int skip, int size, long total) {
    return (long) skip + size < total ? path + "?offset=" + (skip + size) + "&limit=" + size : null;
  }

  static final int MAX_DAYS = 36500;
  private static final int MAX_ECHO = 60;

  private QueryParameters() {}

  /** Refuses names the endpoint does not take and names given more than once. */
  public static void requireKnown(HttpServletRequest request, Set<String> allowed) {
    for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
      String name = parameter.getKey();
      if (!allowed.contains(name)) {
        throw new InvalidInputException(
            name,
            "unknown parameter \""
                + echo(name)
                + "\"; this endpoint takes "
                + (allowed.isEmpty()
                    ? "no parameters"
                    : String.join(", ", allowed.stream().sorted().toList())));
      }
      if (parameter.getValue().length > 1) {
        throw new InvalidInputException(
            name, name + " is given " + parameter.getValue().length + " times; give it once");
      }
    }
  }

  static boolean bool(String name, String value, boolean fallback) {
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new InvalidInputException(
              name, name + " must be true or false, got \"" + echo(value) + "\"");
    };
  }

  /** A retention override in whole days, 0..36500; null when not given. */
  static Integer days(String name, String value) {
    if (value == null) {
      return null;
    }
    return (int) number(name, value, 0, MAX_DAYS, "a whole number of days");
  }

  public static int integer(String name, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    return (int) number(name, value, min, max, "a whole number");
  }

  public static long position(String name, String value) {
    if (value == null) {
      return 0;
    }
    return number(name, value, 0, Long.MAX_VALUE, "a whole number");
  }

  public static UUID uuid(String name, String value) {
    try {
      if (value.length() == 36) {
        return UUID.fromString(value);
      }
    } catch (IllegalArgumentException invalid) {
      // reported below
    }
    throw new InvalidInputException(name, name + " must be a UUID, got \"" + echo(value) + "\"");
  }

  private static long number(String name, String value, long min, long max, String what) {
    String range = max == Long.MAX_VALUE ? " >= " + min : " between " + min + " and " + max;
    boolean digits =
        !value.isEmpty()
            && value.length() <= 19
            && value.chars().allMatch(c -> c >= '0' && c <= '9');
    if (digits) {
      try {
        long parsed = Long.parseLong(value);
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException tooLarge) {
        // reported below
      }
    }
    throw new InvalidInputException(
        name, name + " must be " + what + range + ", got \"" + echo(value) + "\"");
  }

  /** The client's value as shown back in a message: clipped, never a wall of text. */
  private static String echo(String value) {
    if (value.length() <= MAX_ECHO) {
      return value;
    }
    int end = Character.isHighSurrogate(value.charAt(MAX_ECHO - 1)) ? MAX_ECHO - 1 : MAX_ECHO;
    return value.substring(0, end) + "...";
  }
}
