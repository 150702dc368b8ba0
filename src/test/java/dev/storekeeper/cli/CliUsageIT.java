package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.cli.CliProcess.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the CLI answers before it does any work: help, version, usage errors, invalid configuration,
 * an unreachable database, and the bin/cleanup-storage script. Parsing comes before the application
 * starts, so usage errors never depend on the database.
 */
class CliUsageIT {

  @TempDir Path scratch;

  Result run(String... args) {
    return new CliProcess(scratch).java(args);
  }

  @Test
  void helpListsEveryOptionAndTheExitCodes() {
    Result result = run("cleanup", "--help");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.stdout())
        .contains(
            "--dry-run",
            "--orphaned-only",
            "--old-completed",
            "--old-failed",
            "--completed-days=N",
            "--failed-days=N",
            "--cancelled-days=N",
            "--include-unrecognized",
            "--list",
            "--json",
            "-q, --quiet",
            "-h, --help",
            "-V, --version")
        .contains("Exit codes:")
        .containsPattern("0 +Success")
        .containsPattern("1 +Finished, but some items could not be deleted")
        .containsPattern("2 +Usage error")
        .containsPattern("3 +Another cleanup is running")
        .containsPattern("4 +The database or the data directories cannot be reached");
    assertThat(result.stderr()).isEmpty();
    assertThat(run("cleanup", "-h").stdout()).isEqualTo(result.stdout());
    assertThat(run("stats", "--help").stdout()).contains("--json", "--scan", "Exit codes:");
  }

  @Test
  void versionPrintsTheVersionOfTheJar() {
    Result result = run("cleanup", "-V");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout().strip()).matches("storekeeper \\d+\\.\\d+\\.\\d+.*");
    assertThat(run("stats", "--version").stdout()).isEqualTo(result.stdout());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "--completed-days, -1",
    "--completed-days, -3",
    "--completed-days=, abc",
    "--completed-days, 1.5",
    "--completed-days=, ''",
    "--failed-days=, -1",
    "--failed-days, 7d",
    "--cancelled-days, 2.0",
  })
  void badDayValueExitsTwoNamingTheOption(String option, String value) {
    Result result =
        option.endsWith("=") ? run("cleanup", option + value) : run("cleanup", option, value);

    String name = option.replace("=", "");
    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr())
        .contains(name + " must be a whole number >= 0, got \"" + value + "\"");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void dayValueAboveOneHundredYearsExitsTwo() {
    Result result = run("cleanup", "--failed-days", "36501");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .contains("--failed-days must be a whole number between 0 and 36500, got \"36501\"");
  }

  @Test
  void missingValueExitsTwoNamingTheOption() {
    Result last = run("cleanup", "--dry-run", "--completed-days");
    Result beforeAnotherOption = run("cleanup", "--failed-days", "--dry-run");

    assertThat(last.exitCode()).isEqualTo(2);
    assertThat(last.stderr()).contains("Missing required parameter for option '--completed-days'");
    assertThat(beforeAnotherOption.exitCode()).isEqualTo(2);
    assertThat(beforeAnotherOption.stderr()).contains("'--failed-days'");
  }

  @Test
  void unknownOptionExitsTwoAndSuggestsTheNearestOne() {
    Result result = run("cleanup", "--dry-rn");
    Result stats = run("stats", "--bogus");
    Result positional = run("cleanup", "now");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("Unknown option: '--dry-rn'").contains("--dry-run");
    assertThat(result.stdout()).isEmpty();
    assertThat(stats.exitCode()).isEqualTo(2);
    assertThat(stats.stderr()).contains("'--bogus'");
    assertThat(positional.exitCode()).isEqualTo(2);
    assertThat(positional.stderr()).contains("'now'");
  }

  @Test
  void invalidConfigurationExitsTwoNamingTheVariable() {
    Result notANumber =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .env("RETENTION_FAILED_DAYS", "abc")
            .unpacked("cleanup", "--dry-run");
    Result negative =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .env("RETENTION_COMPLETED_DAYS", "-1")
            .unpacked("stats");

    assertThat(notANumber.exitCode()).as("%s", notANumber).isEqualTo(2);
    assertThat(notANumber.stderr())
        .contains("RETENTION_FAILED_DAYS has the value \"abc\"")
        .doesNotContain("\tat ");
    assertThat(notANumber.stdout()).isEmpty();
    assertThat(negative.exitCode()).as("%s", negative).isEqualTo(2);
    assertThat(negative.stderr())
        .contains("RETENTION_COMPLETED_DAYS must be a whole number >= 0, got \"-1\"");
  }

  @Test
  void unknownVariableExitsTwoNamingTheClosestSetting() {
    Result result =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .env("RETENTON_FAILED_DAYS", "3")
            .unpacked("cleanup", "--dry-run");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr())
        .contains(
            "RETENTON_FAILED_DAYS (in the environment) is not a setting; did you mean"
                + " RETENTION_FAILED_DAYS?")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    assertThat(result.stdout()).isEmpty();
    assertThat(scratch.resolve("data")).as("nothing touched").doesNotExist();
  }

  @Test
  void settingsFileIsReadWithExportAndQuotesAndAMalformedLineExitsTwo() throws IOException {
    Files.write(
        scratch.resolve(".env"),
        java.util.List.of("# retention", "export RETENTION_COMPLETED_DAYS=\"-1\""));
    Result read =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .unpacked("stats");
    Files.write(scratch.resolve(".env"), java.util.List.of("RETENTION_COMPLETED_DAYS=30", "oops"));
    Result malformed =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .unpacked("cleanup", "--dry-run");

    assertThat(read.exitCode()).as("%s", read).isEqualTo(2);
    assertThat(read.stderr())
        .contains("RETENTION_COMPLETED_DAYS must be a whole number >= 0, got \"-1\"");
    assertThat(malformed.exitCode()).as("%s", malformed).isEqualTo(2);
    assertThat(malformed.stderr())
        .contains(scratch.resolve(".env") + " line 2: expected NAME=value")
        .doesNotContain("\tat ");
  }

  @Test
  void shortAdminTokenExitsTwoWithoutShowingIt() {
    Result result =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .env("ADMIN_TOKEN", "letmein")
            .unpacked("cleanup", "--dry-run");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr())
        .contains("ADMIN_TOKEN must be at least 32 characters")
        .doesNotContain("letmein");
  }

  @Test
  void unreachableDatabaseExitsFourQuicklyWithoutAStackTrace() {
    Result cleanup =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .env("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/storekeeper")
            .unpacked("cleanup", "--dry-run");
    Result stats =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .env("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/storekeeper")
            .unpacked("stats", "--json");

    assertThat(cleanup.exitCode()).as("%s", cleanup).isEqualTo(4);
    assertThat(cleanup.stderr())
        .contains("Cannot reach the database")
        .contains("127.0.0.1:1")
        .contains("SPRING_DATASOURCE_URL")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    assertThat(cleanup.stdout()).isEmpty();
    assertThat(cleanup.took()).isLessThan(Duration.ofSeconds(30));
    assertThat(stats.exitCode()).isEqualTo(4);
    assertThat(stats.stdout()).isEmpty();
  }

  // ---- bin/cleanup-storage ----------------------------------------------------------------------

  static Path script() {
    return CliProcess.jar().getParent().getParent().resolve("bin/cleanup-storage");
  }

  @Test
  void scriptRunsTheCleanupCommandOfTheBuiltJar() {
    Result help = new CliProcess(scratch).env("STOREKEEPER_CDS", "off").exec(script(), "--help");
    Result dryRun =
        new CliProcess(scratch)
            .env("STOREKEEPER_CDS", "off")
            .env("DATA_DIR", scratch.resolve("data").toString())
            .exec(script(), "--dry-run", "--quiet");

    assertThat(help.exitCode()).as("%s", help).isZero();
    assertThat(help.stdout()).startsWith("Usage: cleanup-storage ").contains("Exit codes:");
    assertThat(dryRun.exitCode()).as("%s", dryRun).isZero();
    assertThat(dryRun.stdout()).isEmpty();
    assertThat(dryRun.stderr()).isEmpty();
  }

  /**
   * {@code mvn package} records the class-data archive (issue 15): an operator's first call after a
   * build must not be the one that spends seconds preparing it.
   */
  @Test
  void theBuildRecordsTheClassDataArchiveSoTheFirstCallPreparesNothing() throws IOException {
    Path jar = CliProcess.jar();
    Path archives = jar.resolveSibling("cli-cds");
    String forThisJar =
        Files.getLastModifiedTime(jar).toMillis() / 1000 + "-" + Files.size(jar) + "-";
    List<Path> before = listing(archives);

    Result dryRun =
        new CliProcess(scratch)
            .env("DATA_DIR", scratch.resolve("data").toString())
            .exec(script(), "--dry-run", "--quiet");

    assertThat(before)
        .as("archives recorded by the build in %s", archives)
        .anySatisfy(
            dir -> {
              assertThat(dir.getFileName().toString()).startsWith(forThisJar);
              assertThat(dir.resolve("ready")).exists();
              assertThat(dir.resolve("app.jsa")).isNotEmptyFile();
            });
    assertThat(dryRun.exitCode()).as("%s", dryRun).isZero();
    assertThat(listing(archives)).as("nothing prepared by the call").isEqualTo(before);
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "yes", "OFF", "prepare "})
  void scriptExitsTwoNamingStorekeeperCdsWhenItIsNotAMode(String value) {
    Result result =
        new CliProcess(scratch).env("STOREKEEPER_CDS", value).exec(script(), "--dry-run");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr()).contains("STOREKEEPER_CDS", "on, off or prepare");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void scriptRunsTheJvmAtNiceTenUnlessToldOtherwise() throws IOException {
    // a stand-in `java` first on the PATH reports the niceness it was started with
    Path stub = Files.createDirectories(scratch.resolve("stub-bin"));
    Path java = stub.resolve("java");
    Files.writeString(java, "#!/bin/sh\nnice\n");
    java.toFile().setExecutable(true);
    String path = stub + ":" + System.getenv("PATH");

    Result standard = withStubJava(path, null);
    Result three = withStubJava(path, "3");
    Result none = withStubJava(path, "0");

    int own = Integer.parseInt(runNice().strip());
    assertThat(standard.stdout().strip()).as("%s", standard).isEqualTo(String.valueOf(own + 10));
    assertThat(three.stdout().strip()).as("%s", three).isEqualTo(String.valueOf(own + 3));
    assertThat(none.stdout().strip()).as("%s", none).isEqualTo(String.valueOf(own));
  }

  private Result withStubJava(String path, String niceness) {
    CliProcess process = new CliProcess(scratch).env("STOREKEEPER_CDS", "off").env("PATH", path);
    if (niceness != null) {
      process.env("STOREKEEPER_NICE", niceness);
    }
    return process.exec(script());
  }

  private static String runNice() throws IOException {
    Process nice = new ProcessBuilder("nice").start();
    return new String(
        nice.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "-1", "20", "5x"})
  void scriptExitsTwoNamingStorekeeperNiceWhenItIsNotANiceness(String value) {
    Result result =
        new CliProcess(scratch)
            .env("STOREKEEPER_CDS", "off")
            .env("STOREKEEPER_NICE", value)
            .exec(script(), "--dry-run");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr()).contains("STOREKEEPER_NICE", "0 to 19");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void scriptExitsTwoWithAClearMessageWhenTheJarIsNotBuilt() throws IOException {
    Path bin = Files.createDirectories(scratch.resolve("checkout/bin"));
    Path copy = Files.copy(script(), bin.resolve("cleanup-storage"));

    Result result = new CliProcess(scratch).exec(copy, "--dry-run");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .contains(scratch.resolve("checkout/target/storekeeper.jar") + " does not exist")
        .contains("mvn package");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void forecastRefusesDaysOutsideOneTo365NamingTheOption() {
    for (String days : List.of("0", "366", "two")) {
      Result result = run("forecast", "--days", days);

      assertThat(result.exitCode()).as("--days %s: %s", days, result).isEqualTo(2);
      assertThat(result.stderr()).contains("--days").contains("between 1 and 365");
    }
  }

  @Test
  void aCapacityRunRefusesSelectorsNamingTheFlag() {
    Result result = run("cleanup", "--capacity", "--dry-run", "--old-failed");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr()).contains("--old-failed cannot be combined with --capacity");
  }
}
