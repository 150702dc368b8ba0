package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.config.ServiceProcess.Exited;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, section 7, as an operator meets it: {@code java -jar storekeeper.jar} with a bad
 * setting stops at once with Spring Boot's failure report — no stack trace, nothing started,
 * nothing created.
 */
class ServiceStartupIT {

  /**
   * Wall time from {@code java} to exit. On an idle machine it is about a second; the bound is
   * generous for a CI machine shared with other builds, and the figure is printed.
   */
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path scratch;

  private Exited run(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putIfAbsent("DATA_DIR", scratch.resolve("data").toString());
    all.putIfAbsent("SERVER_PORT", "0");
    return ServiceProcess.runToExit(scratch, all, Duration.ofSeconds(120));
  }

  private static void assertRefusedBeforeAnythingStarted(Exited exited) {
    assertThat(exited.exitCode()).as(exited.output()).isNotZero();
    assertThat(exited.output())
        .contains("APPLICATION FAILED TO START")
        .contains("Invalid configuration:")
        .doesNotContain("\tat ")
        .doesNotContain("Exception")
        .doesNotContain("Tomcat")
        .doesNotContain("HikariPool")
        .doesNotContain("Flyway")
        .doesNotContain("Migrating schema");
    assertThat(exited.took()).isLessThan(BOUND);
  }

  @Test
  void aBadValueStopsTheServiceAtOnceNamingOnlyTheVariableSet() {
    Exited exited = run(Map.of("RETENTION_FAILED_DAYS", "-1", "CLEANUP_INTERVAL_HOURS", "0"));

    System.out.printf(
        "service jar, RETENTION_FAILED_DAYS=-1: JVM start to exit %d ms%n",
        exited.took().toMillis());
    assertRefusedBeforeAnythingStarted(exited);
    assertThat(exited.output())
        .contains("  - RETENTION_FAILED_DAYS must be a whole number >= 0, got \"-1\"")
        .contains("  - CLEANUP_INTERVAL_HOURS must be a number > 0, got \"0\"")
        .doesNotContain("RETENTION_CANCELLED_DAYS");
    assertThat(scratch.resolve("data")).doesNotExist();
  }

  @Test
  void aTypoInTheEnvironmentOrTheSettingsFileStopsTheService() throws IOException {
    Files.write(
        scratch.resolve(".env"), List.of("export RETENTION_COMPLETED_DAYS=90", "ORPHAN_GRACE=1"));

    Exited exited = run(Map.of("RETENTON_CANCELLED_DAYS", "1"));

    System.out.printf(
        "service jar, two unknown names: JVM start to exit %d ms%n", exited.took().toMillis());
    assertRefusedBeforeAnythingStarted(exited);
    assertThat(exited.output())
        .contains(
            "RETENTON_CANCELLED_DAYS (in the environment) is not a setting; did you mean"
                + " RETENTION_CANCELLED_DAYS?")
        .contains(
            "ORPHAN_GRACE ("
                + scratch.resolve(".env")
                + " line 2) is not a setting; did you mean ORPHAN_GRACE_HOURS?");
  }

  @Test
  void aShortAdminTokenStopsTheServiceWithoutShowingIt() {
    Exited exited = run(Map.of("ADMIN_TOKEN", "letmein"));

    assertRefusedBeforeAnythingStarted(exited);
    assertThat(exited.output())
        .contains("ADMIN_TOKEN must be at least 32 characters")
        .doesNotContain("letmein");
  }
}
