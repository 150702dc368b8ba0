package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.storekeeper.StorekeeperApplication;
import dev.storekeeper.cleanup.CleanupProperties;
import dev.storekeeper.processing.ProcessingProperties;
import dev.storekeeper.storage.StorageProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Starts the real application with one setting wrong and checks that startup fails with a message
 * naming the variable an operator sets. Settings are given the way an operator gives them: under
 * the variable's own name, in a property source at the precedence of the process environment.
 */
class SettingsIT {

  @TempDir static Path dataDir;

  /** Starts the application with {@code variables} standing in for the process environment. */
  private static ConfigurableApplicationContext start(Map<String, String> variables) {
    Map<String, Object> environment = new LinkedHashMap<>();
    environment.put("spring.config.import", "");
    // spring.config.import= does not stop application.properties importing ./.env: ENV_FILE does
    environment.put("ENV_FILE", dataDir.resolve("no-such.env").toString());
    environment.put("DATA_DIR", dataDir.toString());
    environment.put(
        "spring.datasource.url",
        "jdbc:h2:file:"
            + dataDir.resolve("db")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    environment.put("db-scheduler.enabled", "false");
    environment.put("logging.level.root", "OFF");
    environment.putAll(variables);
    StandardEnvironment standard = new StandardEnvironment();
    standard
        .getPropertySources()
        .addBefore(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new MapPropertySource("testEnvironment", environment));
    SpringApplication application = new SpringApplication(StorekeeperApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setEnvironment(standard);
    return application.run();
  }

  private static void whenStartedWith(
      Map<String, String> variables, Consumer<ConfigurableApplicationContext> check) {
    try (ConfigurableApplicationContext context = start(variables)) {
      check.accept(context);
    }
  }

  /** Starts with {@code variables}, expects startup to fail, returns what the operator reads. */
  private static String failureDescription(Map<String, String> variables) {
    Throwable failure = catchThrowable(() -> start(variables).close());

    assertThat(failure).as("startup with %s", variables).isNotNull();
    FailureAnalysis analysis = new SettingsFailureAnalyzer().analyze(failure);
    assertThat(analysis).as("analysis of %s", failure).isNotNull();
    return analysis.getDescription();
  }

  /**
   * Values that bind but break a constraint. One startup reports every such error of a settings
   * class at once, so each group holds settings of one class; every one must get its own line.
   */
  static Stream<Arguments> violations() {
    return Stream.of(
        Arguments.of(
            variables(
                "RETENTION_COMPLETED_DAYS=-1",
                "RETENTION_FAILED_DAYS=-1",
                "RETENTION_CANCELLED_DAYS=-1",
                "CLEANUP_INTERVAL_HOURS=-1",
                "ORPHAN_GRACE_HOURS=-1",
                "CLEANUP_BATCH_SIZE=-1")),
        Arguments.of(
            variables(
                "RETENTION_COMPLETED_DAYS=",
                "RETENTION_FAILED_DAYS=",
                "RETENTION_CANCELLED_DAYS=",
                "CLEANUP_INTERVAL_HOURS=",
                "CLEANUP_ENABLED=",
                "ORPHAN_GRACE_HOURS=",
                "CLEANUP_BATCH_SIZE=")),
        Arguments.of(
            variables(
                "CLEANUP_INTERVAL_HOURS=0",
                "CLEANUP_BATCH_SIZE=0",
                "RETENTION_COMPLETED_DAYS=36501",
                "RETENTION_FAILED_DAYS=36501",
                "RETENTION_CANCELLED_DAYS=36501")),
        Arguments.of(variables("CLEANUP_INTERVAL_HOURS=NaN")),
        Arguments.of(variables("CLEANUP_INTERVAL_HOURS=Infinity", "CLEANUP_BATCH_SIZE=10001")),
        Arguments.of(variables("CLEANUP_INTERVAL_HOURS=8785")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=0", "PROCESSOR=bogus")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=-1", "PROCESSOR=Profile")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=", "PROCESSOR=")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=257")),
        Arguments.of(variables("MAX_UPLOAD_BYTES=0")),
        Arguments.of(variables("MAX_UPLOAD_BYTES=-1")),
        Arguments.of(variables("MAX_UPLOAD_BYTES=")));
  }

  private static Map<String, String> variables(String... assignments) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      variables.put(assignment.substring(0, equals), assignment.substring(equals + 1));
    }
    return variables;
  }

  /** How the message quotes a value: numbers of hours are doubles, so "-1" reads "-1.0". */
  private static String shown(String variable, String value) {
    if (value.isEmpty()) {
      return "an empty value";
    }
    boolean hours = variable.equals("CLEANUP_INTERVAL_HOURS");
    return '"' + (hours ? Double.valueOf(value).toString() : value) + '"';
  }

  @ParameterizedTest
  @MethodSource("violations")
  void refusesToStartNamingEveryVariableThatBreaksItsRule(Map<String, String> variables) {
    String description = failureDescription(variables);

    List<String> errors = description.lines().filter(line -> line.startsWith("  - ")).toList();
    assertThat(errors)
        .as("every line names a variable that was set wrong")
        .allSatisfy(
            line ->
                assertThat(variables)
                    .anySatisfy((name, v) -> assertThat(line).startsWith("  - " + name + " ")));
    variables.forEach(
        (variable, value) ->
            assertThat(errors)
                .as("the line for %s=%s", variable, value)
                .anySatisfy(
                    line ->
                        assertThat(line)
                            .startsWith("  - " + variable + " must ")
                            .endsWith(", got " + shown(variable, value))));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "RETENTION_COMPLETED_DAYS, abc, integer",
    "RETENTION_COMPLETED_DAYS, 1.5, integer",
    "RETENTION_FAILED_DAYS, abc, integer",
    "RETENTION_CANCELLED_DAYS, seven, integer",
    "CLEANUP_INTERVAL_HOURS, abc, double",
    "CLEANUP_ENABLED, maybe, boolean",
    "ORPHAN_GRACE_HOURS, 24h, integer",
    "CLEANUP_BATCH_SIZE, abc, integer",
    "MAX_CONCURRENT_JOBS, abc, integer",
    "MAX_UPLOAD_BYTES, 500MB, long",
  })
  void refusesToStartNamingTheVariableThatIsNotOfItsType(
      String variable, String value, String type) {
    assertThat(failureDescription(Map.of(variable, value)))
        .isEqualTo(
            "Invalid configuration: %s has the value \"%s\", which is not a valid %s."
                .formatted(variable, value, type));
  }

  @Test
  void acceptsZeroDaysAndKeepsThemInsteadOfTheDefault() {
    whenStartedWith(
        Map.of(
            "RETENTION_COMPLETED_DAYS", "0",
            "RETENTION_FAILED_DAYS", "0",
            "RETENTION_CANCELLED_DAYS", "0",
            "ORPHAN_GRACE_HOURS", "0"),
        context -> {
          CleanupProperties cleanup = context.getBean(CleanupProperties.class);
          assertThat(cleanup.retentionCompletedDays()).isZero();
          assertThat(cleanup.retentionFailedDays()).isZero();
          assertThat(cleanup.retentionCancelledDays()).isZero();
          assertThat(cleanup.orphanGraceHours()).isZero();
        });
  }

  @Test
  void acceptsAFractionOfAnHourAsInterval() {
    whenStartedWith(
        Map.of("CLEANUP_INTERVAL_HOURS", "0.25", "CLEANUP_ENABLED", "false"),
        context -> {
          CleanupProperties cleanup = context.getBean(CleanupProperties.class);
          assertThat(cleanup.interval()).isEqualTo(Duration.ofMinutes(15));
          assertThat(cleanup.cleanupEnabled()).isFalse();
        });
  }

  @Test
  void appliesTheDocumentedDefaults() {
    whenStartedWith(
        Map.of(),
        context -> {
          CleanupProperties cleanup = context.getBean(CleanupProperties.class);
          assertThat(cleanup.cleanupEnabled()).isTrue();
          assertThat(cleanup.interval()).isEqualTo(Duration.ofHours(24));
          assertThat(cleanup.retentionCompletedDays()).isEqualTo(30);
          assertThat(cleanup.retentionFailedDays()).isEqualTo(7);
          assertThat(cleanup.retentionCancelledDays()).isEqualTo(7);
          assertThat(cleanup.orphanGraceHours()).isEqualTo(24);
          assertThat(cleanup.cleanupBatchSize()).isEqualTo(500);
          ProcessingProperties processing = context.getBean(ProcessingProperties.class);
          assertThat(processing.processor()).isEqualTo("profile");
          assertThat(processing.maxConcurrentJobs()).isEqualTo(2);
          StorageProperties storage = context.getBean(StorageProperties.class);
          assertThat(storage.maxUploadBytes()).isEqualTo(524_288_000L);
        });
  }

  @Test
  void cancelledRetentionFollowsFailedRetentionUnlessSet() {
    whenStartedWith(
        Map.of("RETENTION_FAILED_DAYS", "3"),
        context ->
            assertThat(context.getBean(CleanupProperties.class).retentionCancelledDays())
                .isEqualTo(3));
    whenStartedWith(
        Map.of("RETENTION_FAILED_DAYS", "3", "RETENTION_CANCELLED_DAYS", "5"),
        context ->
            assertThat(context.getBean(CleanupProperties.class).retentionCancelledDays())
                .isEqualTo(5));
  }

  @Nested
  class DotEnv {

    @TempDir Path workingDir;

    private Path dotEnv(String... lines) throws IOException {
      return Files.write(workingDir.resolve(".env"), List.of(lines));
    }

    private Map<String, String> importing(Path file, String... variables) {
      Map<String, String> environment = new LinkedHashMap<>();
      environment.put("spring.config.import", "optional:file:" + file + "[.properties]");
      for (int i = 0; i < variables.length; i += 2) {
        environment.put(variables[i], variables[i + 1]);
      }
      return environment;
    }

    @Test
    void usesValuesFromTheFileAndLetsTheEnvironmentWin() throws IOException {
      Path file = dotEnv("RETENTION_COMPLETED_DAYS=11", "# a comment", "RETENTION_FAILED_DAYS=4");

      whenStartedWith(
          importing(file, "RETENTION_FAILED_DAYS", "9"),
          context -> {
            CleanupProperties cleanup = context.getBean(CleanupProperties.class);
            assertThat(cleanup.retentionCompletedDays()).isEqualTo(11);
            assertThat(cleanup.retentionFailedDays()).isEqualTo(9);
            assertThat(cleanup.retentionCancelledDays()).isEqualTo(9);
          });
    }

    @Test
    void readsTheFileThatEnvFileNames() throws IOException {
      Path file = dotEnv("RETENTION_COMPLETED_DAYS=12");

      whenStartedWith(
          Map.of("ENV_FILE", file.toString()),
          context ->
              assertThat(context.getBean(CleanupProperties.class).retentionCompletedDays())
                  .isEqualTo(12));
    }

    @Test
    void namesTheVariableWhenAValueIsQuoted() throws IOException {
      Path file = dotEnv("RETENTION_FAILED_DAYS=\"7\"");

      String description = failureDescription(importing(file));

      assertThat(description).contains("RETENTION_FAILED_DAYS").contains("\"7\"").contains("quote");
    }

    @Test
    void namesTheVariableWhenAStringValueIsQuoted() throws IOException {
      Path file = dotEnv("PROCESSOR='profile'");

      String description = failureDescription(importing(file));

      assertThat(description).contains("PROCESSOR").contains("'profile'").contains("quote");
    }

    @Test
    void refusesAnEmptyValueInTheFile() throws IOException {
      Path file = dotEnv("CLEANUP_BATCH_SIZE=");

      assertThat(failureDescription(importing(file))).contains("CLEANUP_BATCH_SIZE", "empty");
    }
  }
}
