package dev.storekeeper.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of our settings, taken from the one place that reads them: the placeholders of {@code
 * application.properties} ({@code
 * storekeeper.cleanup.retention-failed-days=${RETENTION_FAILED_DAYS:7}}), plus the few names read
 * before that file is ({@link #READ_ELSEWHERE}). A setting added there is known here without
 * another list to keep in step.
 *
 * <p>A name in the environment is taken for one of ours — and must then be a known one — when it
 * starts with one of our prefixes or is a near miss of a known name ({@code RETENTON_FAILED_DAYS}),
 * in any case: Spring reads only the exact upper-case name, so anything else would be ignored
 * without a word.
 */
final class SettingNames {

  /** Names read before application.properties is: the settings file's own location. */
  static final Set<String> READ_ELSEWHERE = Set.of("ENV_FILE");

  static final List<String> PREFIXES =
      List.of(
          "RETENTION_",
          "CLEANUP_",
          "ORPHAN_",
          "PLAN_",
          "CAPACITY_",
          "STORAGE_",
          "PROCESS",
          "MAX_",
          "UPLOAD_",
          "OUTPUT_",
          "DATA_",
          "ADMIN_",
          "API_",
          // S3_ENDPOINT_URL, the name other tools use, would otherwise send requests to AWS
          "S3_");

  /** Near misses: at most this many edits away from a known name. */
  private static final int MAX_EDITS = 2;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
  private static final Pattern WHOLE_VALUE =
      Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::(.*))?}", Pattern.DOTALL);

  private static final SettingNames INSTANCE = load();

  private final Set<String> known;
  private final Map<String, String> variableByProperty;
  private final Map<String, List<String>> fallbacksByProperty;

  SettingNames(Properties properties) {
    Set<String> names = new TreeSet<>(READ_ELSEWHERE);
    Map<String, String> variables = new LinkedHashMap<>();
    Map<String, List<String>> fallbacks = new LinkedHashMap<>();
    for (String property : properties.stringPropertyNames()) {
      String value = properties.getProperty(property);
      Matcher any = PLACEHOLDER.matcher(value);
      while (any.find()) {
        names.add(any.group(1));
      }
      Matcher whole = WHOLE_VALUE.matcher(value);
      if (whole.matches()) {
        variables.put(property, whole.group(1));
        List<String> inDefault = new ArrayList<>();
        if (whole.group(2) != null) {
          Matcher nested = PLACEHOLDER.matcher(whole.group(2));
          while (nested.find()) {
            inDefault.add(nested.group(1));
          }
        }
        fallbacks.put(property, List.copyOf(inDefault));
      }
    }
    this.known = Set.copyOf(names);
    this.variableByProperty = Map.copyOf(variables);
    this.fallbacksByProperty = Map.copyOf(fallbacks);
  }

  static SettingNames get() {
    return INSTANCE;
  }

  private static SettingNames load() {
    Properties properties = new Properties();
    try (InputStream in =
        SettingNames.class.getClassLoader().getResourceAsStream("application.properties")) {
      if (in == null) {
        throw new IllegalStateException("application.properties is missing from the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SettingNames(properties);
  }

  Set<String> known() {
    return known;
  }

  /** The variable a property is read from ({@code RETENTION_FAILED_DAYS}), if it has one. */
  Optional<String> variableOf(String property) {
    return Optional.ofNullable(variableByProperty.get(property));
  }

  /** The variables a property falls back to when its own is not set, nearest first. */
  List<String> fallbacksOf(String property) {
    return fallbacksByProperty.getOrDefault(property, List.of());
  }

  /**
   * Whether {@code name} looks like one of our settings but is not one: it has one of our prefixes,
   * or is a near miss of a known name, in any letter case.
   */
  boolean isUnknownButOurs(String name) {
    if (known.contains(name)) {
      return false;
    }
    String upper = name.toUpperCase(Locale.ROOT);
    return PREFIXES.stream().anyMatch(upper::startsWith)
        || known.stream()
            .anyMatch(
                k ->
                    Math.abs(k.length() - upper.length()) <= MAX_EDITS
                        && distance(upper, k) <= MAX_EDITS);
  }

  /** The known name with the fewest edits from {@code name} (ties: the alphabetically first). */
  String closest(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    return known.stream()
        .min(Comparator.comparingInt((String k) -> distance(upper, k)).thenComparing(k -> k))
        .orElseThrow();
  }

  /** "X is not a setting; did you mean Y?" */
  String unknown(String name, String where) {
    String closest = closest(name);
    String hint =
        closest.equals(name.toUpperCase(Locale.ROOT)) ? " (setting names are upper case)" : "";
    return "%s%s is not a setting; did you mean %s?%s".formatted(name, where, closest, hint);
  }

  /**
   * Edits (insert, delete, replace, swap two neighbours) that turn {@code a} into {@code b}: the
   * optimal string alignment distance, which counts a swapped pair of letters as one typo.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
