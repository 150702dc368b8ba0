package dev.storekeeper.processing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The environment the {@code command} processor's child process gets: never the service's own.
 *
 * <p>The service's environment holds its secrets ({@code ADMIN_TOKEN}, {@code API_TOKEN}, the
 * datasource credentials), and a processor can publish whatever it sees through its outputs, which
 * clients download. So the child starts from nothing and gets {@code PATH}, {@code HOME}, {@code
 * LANG}, {@code LC_*} and {@code TMPDIR} where the service has them, plus the variables the
 * operator names in {@code PROCESSOR_ENV}. A name that is or looks like a secret is refused there
 * at start rather than passed: an allow-list that can be talked into passing {@code ADMIN_TOKEN}
 * protects nothing.
 */
final class ProcessorEnvironment {

  static final String VARIABLE = "PROCESSOR_ENV";

  /** Passed whenever the service has them: what almost every program needs to run at all. */
  static final List<String> ALWAYS = List.of("PATH", "HOME", "LANG", "TMPDIR");

  static final String ALWAYS_PREFIX = "LC_";

  /** Whole families of variables that carry credentials or configure the service itself. */
  static final List<String> REFUSED_PREFIXES = List.of("SPRING_", "AWS_", "AZURE_", "GOOGLE_");

  /** Words that mark a variable as a secret wherever they appear in its name. */
  static final List<String> REFUSED_WORDS =
      List.of(
          "PASS", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH", "PRIVATE", "COOKIE", "SESSION");

  /** The service's own secrets, and credentials that none of the patterns catch. */
  static final List<String> REFUSED_NAMES =
      List.of("ADMIN_TOKEN", "API_TOKEN", "DATABASE_URL", "JDBC_DATABASE_URL");

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Set<String> listed;

  private ProcessorEnvironment(Set<String> listed) {
    this.listed = Set.copyOf(listed);
  }

  /**
   * @param processorEnv the value of {@code PROCESSOR_ENV}: names separated by commas, blanks
   *     around them ignored; null or blank for none
   * @throws IllegalArgumentException naming the first entry that is not a valid name or is a secret
   */
  static ProcessorEnvironment parse(String processorEnv) {
    Set<String> listed = new LinkedHashSet<>();
    for (String name : names(processorEnv)) {
      problem(name)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException(problem);
              });
      listed.add(name);
    }
    return new ProcessorEnvironment(listed);
  }

  /** Why {@code PROCESSOR_ENV} is refused, as the rest of "PROCESSOR_ENV ...", if it is. */
  static Optional<String> problemWith(String processorEnv) {
    try {
      parse(processorEnv);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static List<String> names(String processorEnv) {
    if (processorEnv == null || processorEnv.isBlank()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String entry : processorEnv.split(",", -1)) {
      names.add(entry.strip());
    }
    return names;
  }

  private static Optional<String> problem(String name) {
    if (name.isEmpty()) {
      return Optional.of(
          "must be variable names separated by commas, but has an empty entry"
              + " (remove the extra comma)");
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          "must be variable names separated by commas (letters, digits and _, not starting with"
              + " a digit), but lists \""
              + name
              + "\"");
    }
    String upper = name.toUpperCase(Locale.ROOT);
    if (REFUSED_NAMES.contains(upper)) {
      return Optional.of(refusal(name, "it holds credentials"));
    }
    for (String prefix : REFUSED_PREFIXES) {
      if (upper.startsWith(prefix)) {
        return Optional.of(refusal(name, "names starting with " + prefix + " can hold secrets"));
      }
    }
    for (String word : REFUSED_WORDS) {
      if (upper.contains(word)) {
        return Optional.of(refusal(name, "names containing " + word + " can hold secrets"));
      }
    }
    return Optional.empty();
  }

  private static String refusal(String name, String reason) {
    return "must not list "
        + name
        + ": "
        + reason
        + ", and the processor could publish them in its outputs (pass such a value in a file"
        + " the processor reads instead)";
  }

  /** The child's whole environment, taken from {@code service} (the service's environment). */
  Map<String, String> select(Map<String, String> service) {
    Map<String, String> child = new LinkedHashMap<>();
    service.forEach(
        (name, value) -> {
          if (ALWAYS.contains(name) || name.startsWith(ALWAYS_PREFIX) || listed.contains(name)) {
            child.put(name, value);
          }
        });
    return child;
  }
}
