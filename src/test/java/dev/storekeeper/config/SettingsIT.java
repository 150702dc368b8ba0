package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.storekeeper.StorekeeperApplication;
import dev.storekeeper.cleanup.CapacityProperties;
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
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Starts the real application with one setting wrong and checks that startup fails with a message
 * naming the variable an operator sets. Settings are given the way an operator gives them: as the
 * process environment (the {@code systemEnvironment} source holds exactly the test's variables) or
 * in the settings file; what only tests set goes in as command-line properties.
 */
class SettingsIT {

  @TempDir static Path dataDir;

  /** Starts the application with {@code variables} as its whole process environment. */
  static ConfigurableApplicationContext start(Map<String, String> variables) {
    return start(variables, Map.of());
  }

  static ConfigurableApplicationContext start(
      Map<String, String> variables, Map<String, String> properties) {
    Map<String, Object> environment = new LinkedHashMap<>();
    environment.put("DATA_DIR", dataDir.toString());
    environment.putAll(variables);
    Map<String, Object> commandLine = new LinkedHashMap<>();
    // a stray .env in the working directory must not be read
    commandLine.put("ENV_FILE", dataDir.resolve("no-such.env").toString());
    commandLine.put(
        "spring.datasource.url",
        "jdbc:h2:file:"
            + dataDir.resolve("db")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    commandLine.put("db-scheduler.enabled", "false");
    commandLine.put("logging.level.root", "OFF");
    commandLine.putAll(properties);
    StandardEnvironment standard = new StandardEnvironment();
    standard
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
    standard.getPropertySources().addFirst(new MapPropertySource("commandLine", commandLine));
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
  static String failureDescription(Map<String, String> variables) {
    return failureDescription(variables, Map.of());
  }

  static String failureDescription(Map<String, String> variables, Map<String, String> properties) {
    Throwable failure = catchThrowable(() -> start(variables, properties).close());

    assertThat(failure).as("startup with %s", variables).isNotNull();
    FailureAnalysis analysis = new SettingsFailureAnalyzer().analyze(failure);
    assertThat(analysis).as("analysis of %s", failure).isNotNull();
    return analysis.getDescription();
  }

  /** The problems listed, one per line. */
  static List<String> problems(String description) {
    return description.lines().filter(line -> line.startsWith("  - ")).toList();
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
        Arguments.of(variables("CLEANUP_FILE_THREADS=0", "CLEANUP_BUSY_SHARE_PERCENT=0")),
        Arguments.of(variables("CLEANUP_FILE_THREADS=65", "CLEANUP_BUSY_SHARE_PERCENT=101")),
        Arguments.of(variables("CLEANUP_FILE_THREADS=", "CLEANUP_BUSY_SHARE_PERCENT=")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=0", "PROCESSOR=bogus")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=-1", "PROCESSOR=Profile")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=", "PROCESSOR=")),
        Arguments.of(variables("MAX_CONCURRENT_JOBS=257")),
        Arguments.of(variables("MAX_UPLOAD_BYTES=0")),
        Arguments.of(variables("MAX_UPLOAD_BYTES=-1")),
        Arguments.of(variables("MAX_UPLOAD_BYTES=")),
        Arguments.of(variables("PLAN_MAX_AGE_HOURS=0")),
        Arguments.of(variables("PLAN_MAX_AGE_HOURS=8785")),
        Arguments.of(variables("PLAN_MAX_AGE_HOURS=")),
        Arguments.of(
            variables(
                "STORAGE_HIGH_WATERMARK_PERCENT=100",
                "STORAGE_LOW_WATERMARK_PERCENT=0",
                "CAPACITY_CHECK_SECONDS=0",
                "RETENTION_MIN_HOURS=-1",
                "STORAGE_QUOTA_BYTES=0")),
        Arguments.of(
            variables("STORAGE_HIGH_WATERMARK_PERCENT=0", "STORAGE_LOW_WATERMARK_PERCENT=100")),
        // low must be below high: equal is refused, naming the low watermark
        Arguments.of(variables("STORAGE_LOW_WATERMARK_PERCENT=85")));
  }

  private static Map<String, String> variables(String... assignments) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      variables.put(assignment.substring(0, equals), assignment.substring(equals + 1));
    }
    return variables;
  }

  /** How the message quotes a value: as typed. */
  private static String shown(String value) {
    return value.isEmpty() ? "an empty value" : '"' + value + '"';
  }

  @ParameterizedTest
  @MethodSource("violations")
  void refusesToStartNamingEveryVariableThatBreaksItsRule(Map<String, String> variables) {
    String description = failureDescription(variables);

    List<String> errors = problems(description);
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
                            .endsWith(", got " + shown(value))));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "RETENTION_COMPLETED_DAYS, abc, whole number",
    "RETENTION_COMPLETED_DAYS, 1.5, whole number",
    "RETENTION_FAILED_DAYS, abc, whole number",
    "RETENTION_CANCELLED_DAYS, seven, whole number",
    "CLEANUP_INTERVAL_HOURS, abc, number",
    "CLEANUP_ENABLED, maybe, boolean (true or false)",
    "ORPHAN_GRACE_HOURS, 24h, whole number",
    "CLEANUP_BATCH_SIZE, abc, whole number",
    "CLEANUP_FILE_THREADS, four, whole number",
    "CLEANUP_BUSY_SHARE_PERCENT, 50%, whole number",
    "MAX_CONCURRENT_JOBS, abc, whole number",
    "MAX_UPLOAD_BYTES, 500MB, whole number",
    "PROCESSING_MAX_ATTEMPTS, three, whole number",
    "PLAN_MAX_AGE_HOURS, 1d, whole number",
    "STORAGE_HIGH_WATERMARK_PERCENT, 85%, whole number",
    "STORAGE_LOW_WATERMARK_PERCENT, eighty, whole number",
    "STORAGE_QUOTA_BYTES, 10GB, whole number",
    "CAPACITY_CHECK_SECONDS, 1m, whole number",
    "RETENTION_MIN_HOURS, 1.5, whole number",
  })
  void refusesToStartNamingTheVariableThatIsNotOfItsType(
      String variable, String value, String type) {
    assertThat(failureDescription(Map.of(variable, value)))
        .isEqualTo(
            "Invalid configuration:%n  - %s has the value \"%s\", which is not a valid %s"
                .formatted(variable, value, type));
  }

  @Test
  void reportsSeveralValuesOfTheWrongTypeAtOnce() {
    assertThat(
            problems(
                failureDescription(
                    Map.of("RETENTION_COMPLETED_DAYS", "abc", "CLEANUP_BATCH_SIZE", "x"))))
        .containsExactlyInAnyOrder(
            "  - RETENTION_COMPLETED_DAYS has the value \"abc\", which is not a valid whole number",
            "  - CLEANUP_BATCH_SIZE has the value \"x\", which is not a valid whole number");
  }

  @Test
  void blamesOnlyTheVariableThatWasSetNotTheOneThatDefaultsToIt() {
    assertThat(problems(failureDescription(Map.of("RETENTION_FAILED_DAYS", "-1"))))
        .containsExactly("  - RETENTION_FAILED_DAYS must be a whole number >= 0, got \"-1\"");
    assertThat(problems(failureDescription(Map.of("RETENTION_FAILED_DAYS", "seven"))))
        .containsExactly(
            "  - RETENTION_FAILED_DAYS has the value \"seven\", which is not a valid whole"
                + " number");
  }

  @ParameterizedTest(name = "CLEANUP_INTERVAL_HOURS={0}")
  @ValueSource(strings = {"0", "0.0", "-1", "-0", "8785", "1e9"})
  void echoesTheValueAsTyped(String value) {
    assertThat(problems(failureDescription(Map.of("CLEANUP_INTERVAL_HOURS", value))))
        .singleElement(STRING)
        .startsWith("  - CLEANUP_INTERVAL_HOURS must be ")
        .endsWith(", got \"" + value + "\"");
  }

  @Test
  void failsBeforeCreatingAnythingOnDisk() {
    Path fresh = dataDir.resolve("never-created");

    String description =
        failureDescription(
            Map.of("DATA_DIR", fresh.toString(), "RETENTION_COMPLETED_DAYS", "-5"),
            Map.of(
                "spring.datasource.url",
                "jdbc:h2:file:" + fresh.resolve("db") + ";MODE=PostgreSQL"));

    assertThat(description).contains("RETENTION_COMPLETED_DAYS");
    assertThat(fresh).doesNotExist();
  }

  @Nested
  class Tokens {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ADMIN_TOKEN", "API_TOKEN"})
    void refusesATokenShorterThan32CharactersWithoutEchoingIt(String variable) {
      String token = "s3cret-but-only-31-characters-x";

      List<String> problems = problems(failureDescription(Map.of(variable, token)));

      assertThat(problems)
          .singleElement(STRING)
          .startsWith("  - " + variable + " must be at least 32 characters")
          .endsWith("got a value of 31 characters")
          .doesNotContain(token);
    }

    @Test
    void refusesATokenWithSpacesInside() {
      assertThat(
              failureDescription(
                  Map.of("ADMIN_TOKEN", "correct horse battery staple and more words")))
          .contains("ADMIN_TOKEN must be at least 32 characters without spaces");
    }

    @Test
    void accepts32CharactersAndUnsetTokens() {
      whenStartedWith(
          Map.of("ADMIN_TOKEN", " " + "a".repeat(32) + " ", "API_TOKEN", ""),
          context ->
              assertThat(context.getBean(TokenProperties.class).adminToken().strip()).hasSize(32));
    }
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
  void refusesALowWatermarkAboveTheHighOneNamingBoth() {
    assertThat(
            problems(
                failureDescription(
                    Map.of(
                        "STORAGE_HIGH_WATERMARK_PERCENT", "70",
                        "STORAGE_LOW_WATERMARK_PERCENT", "75"))))
        .containsExactly(
            "  - STORAGE_LOW_WATERMARK_PERCENT must be lower than STORAGE_HIGH_WATERMARK_PERCENT,"
                + " got \"75\"");
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
          CapacityProperties capacity = context.getBean(CapacityProperties.class);
          assertThat(capacity.storageHighWatermarkPercent()).isEqualTo(85);
          assertThat(capacity.storageLowWatermarkPercent()).isEqualTo(80);
          assertThat(capacity.storageQuotaBytes()).as("no quota unless set").isNull();
          assertThat(capacity.checkInterval()).isEqualTo(Duration.ofSeconds(60));
          assertThat(capacity.minAge()).isEqualTo(Duration.ofHours(24));
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
  class UnknownNames {

    @Test
    void aTypoInTheEnvironmentStopsStartupNamingTheSetting() {
      assertThat(problems(failureDescription(Map.of("RETENTON_CANCELLED_DAYS", "1"))))
          .containsExactly(
              "  - RETENTON_CANCELLED_DAYS (in the environment) is not a setting; did you mean"
                  + " RETENTION_CANCELLED_DAYS?");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "RETENTION_DAYS",
          "CLEANUP_INTERVAL",
          "ORPHAN_GRACE",
          "STORAGE_MIN_FREE",
          "PROCESSOR_TIMEOUT",
          "MAX_UPLOAD",
          "UPLOAD_DIRECTORY",
          "OUTPUT_PATH",
          "DATA_DIRECTORY",
          "ADMIN_PASSWORD",
          "API_KEY",
          "retention_failed_days",
          "CLENUP_ENABLED",
          "STORAGE_HIGH_WATERMARK",
          "STORAGE_LOW_WATERMARK_PCT",
          "STORAGE_QUOTA",
          "CAPACITY_CHECK_SECS",
          "RETENTION_KEEP",
          "RETENTION_MIN_HOUR",
          "PLAN_MAX_AGE"
        })
    void anyNameWithOurPrefixesOrNearOneOfOursMustBeASetting(String name) {
      assertThat(problems(failureDescription(Map.of(name, "1"))))
          .singleElement(STRING)
          .startsWith("  - " + name + " (in the environment) is not a setting; did you mean ");
    }

    @Test
    void namesInAnotherCaseAreRefusedWithTheRightSpelling() {
      assertThat(failureDescription(Map.of("Retention_Failed_Days", "3")))
          .contains(
              "Retention_Failed_Days (in the environment) is not a setting; did you mean"
                  + " RETENTION_FAILED_DAYS? (setting names are upper case)");
    }

    @Test
    void otherVariablesAreNoneOfOurBusiness() {
      whenStartedWith(
          Map.of("PATH", "/usr/bin", "JAVA_HOME", "/opt/java", "STOREKEEPER_NICE", "10"),
          context -> assertThat(context.isActive()).isTrue());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
      assertThat(
              problems(
                  failureDescription(
                      Map.of(
                          "RETENTON_FAILED_DAYS", "1",
                          "ORPHAN_GRACE_HOURS", "-2",
                          "ADMIN_TOKEN", "short"))))
          .hasSize(3);
    }
  }

  @Nested
  class SettingsFile {

    @TempDir Path workingDir;

    private Map<String, String> file(String... lines) throws IOException {
      Path file = Files.write(workingDir.resolve(".env"), List.of(lines));
      return Map.of("ENV_FILE", file.toString());
    }

    private void whenStartedWithFile(
        Map<String, String> variables,
        Map<String, String> file,
        Consumer<ConfigurableApplicationContext> check) {
      try (ConfigurableApplicationContext context = start(variables, file)) {
        check.accept(context);
      }
    }

    @Test
    void usesValuesFromTheFileAndLetsTheEnvironmentWin() throws IOException {
      Map<String, String> file =
          file("RETENTION_COMPLETED_DAYS=11", "# a comment", "", "RETENTION_FAILED_DAYS=4");

      whenStartedWithFile(
          Map.of("RETENTION_FAILED_DAYS", "9"),
          file,
          context -> {
            CleanupProperties cleanup = context.getBean(CleanupProperties.class);
            assertThat(cleanup.retentionCompletedDays()).isEqualTo(11);
            assertThat(cleanup.retentionFailedDays()).isEqualTo(9);
            assertThat(cleanup.retentionCancelledDays()).isEqualTo(9);
          });
    }

    @Test
    void commandLinePropertiesWinOverTheEnvironmentAndTheFile() throws IOException {
      Map<String, String> properties = new LinkedHashMap<>(file("RETENTION_FAILED_DAYS=4"));
      properties.put("RETENTION_FAILED_DAYS", "2");

      whenStartedWithFile(
          Map.of("RETENTION_FAILED_DAYS", "9"),
          properties,
          context ->
              assertThat(context.getBean(CleanupProperties.class).retentionFailedDays())
                  .isEqualTo(2));
    }

    @Test
    void acceptsExportAndQuotesAsAShellWould() throws IOException {
      Map<String, String> file =
          file(
              "export RETENTION_COMPLETED_DAYS=90",
              "RETENTION_FAILED_DAYS=\"3\"",
              "RETENTION_CANCELLED_DAYS='5'  # five days",
              "  export   ORPHAN_GRACE_HOURS = 6 # spaces and a comment",
              "PROCESSOR_COMMAND=\"sh -c 'wc -c < {input} > {output_dir}/n.txt'\"",
              "CLEANUP_ENABLED=false");

      whenStartedWithFile(
          Map.of(),
          file,
          context -> {
            CleanupProperties cleanup = context.getBean(CleanupProperties.class);
            assertThat(cleanup.retentionCompletedDays()).isEqualTo(90);
            assertThat(cleanup.retentionFailedDays()).isEqualTo(3);
            assertThat(cleanup.retentionCancelledDays()).isEqualTo(5);
            assertThat(cleanup.orphanGraceHours()).isEqualTo(6);
            assertThat(context.getBean(ProcessingProperties.class).processorCommand())
                .isEqualTo("sh -c 'wc -c < {input} > {output_dir}/n.txt'");
          });
    }

    @Test
    void readsSpringNamesLikeTheEnvironmentDoes() throws IOException {
      Map<String, String> file = file("SPRING_APPLICATION_NAME=from-the-file");

      whenStartedWithFile(
          Map.of(),
          file,
          context ->
              assertThat(context.getEnvironment().getProperty("spring.application.name"))
                  .isEqualTo("from-the-file"));
    }

    @Test
    void aTypoInTheFileIsRefusedNamingTheFileAndLine() throws IOException {
      Map<String, String> file = file("# retention", "RETENTON_CANCELLED_DAYS=1");

      assertThat(problems(failureDescription(Map.of(), file)))
          .containsExactly(
              "  - RETENTON_CANCELLED_DAYS ("
                  + workingDir.resolve(".env")
                  + " line 2) is not a setting; did you mean RETENTION_CANCELLED_DAYS?");
    }

    @Test
    void aMalformedLineIsRefusedNamingTheFileAndLine() throws IOException {
      Map<String, String> file =
          file("RETENTION_COMPLETED_DAYS=3", "RETENTION_FAILED_DAYS 7", "ADMIN_TOKEN=\"unclosed");

      List<String> problems = problems(failureDescription(Map.of(), file));

      assertThat(problems)
          .containsExactly(
              "  - " + workingDir.resolve(".env") + " line 2: expected NAME=value",
              "  - "
                  + workingDir.resolve(".env")
                  + " line 3: unclosed double quote in the value of ADMIN_TOKEN");
    }

    @Test
    void namesTheVariableWhenAValueInTheFileIsInvalid() throws IOException {
      assertThat(problems(failureDescription(Map.of(), file("CLEANUP_BATCH_SIZE="))))
          .containsExactly("  - CLEANUP_BATCH_SIZE must be set, got an empty value");
      assertThat(problems(failureDescription(Map.of(), file("PROCESSOR='Profile'"))))
          .containsExactly("  - PROCESSOR must be \"profile\" or \"command\", got \"Profile\"");
    }

    @Test
    void aFileThatDoesNotExistIsNoFile() {
      whenStartedWithFile(
          Map.of(),
          Map.of("ENV_FILE", workingDir.resolve("absent.env").toString()),
          context ->
              assertThat(context.getBean(CleanupProperties.class).retentionCompletedDays())
                  .isEqualTo(30));
    }
  }
}
