package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Issue 11, section 7: the settings file sits just below the real environment. */
class DotEnvEnvironmentTest {

  @TempDir Path dir;

  private StandardEnvironment environment(Map<String, Object> variables, Path file) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    environment
        .getPropertySources()
        .addFirst(new MapPropertySource("commandLine", Map.of("ENV_FILE", file.toString())));
    new DotEnvEnvironment().postProcessEnvironment(environment, new SpringApplication());
    return environment;
  }

  @Test
  void theEnvironmentWinsOverTheFileWhichWinsOverTheDefaults() throws IOException {
    Path file =
        Files.write(
            dir.resolve("settings.env"),
            List.of("RETENTION_FAILED_DAYS=3", "export RETENTION_COMPLETED_DAYS=40"));

    StandardEnvironment environment = environment(Map.of("RETENTION_FAILED_DAYS", "9"), file);

    assertThat(environment.getProperty("RETENTION_FAILED_DAYS")).isEqualTo("9");
    assertThat(environment.getProperty("RETENTION_COMPLETED_DAYS")).isEqualTo("40");
    List<String> order =
        environment.getPropertySources().stream().map(PropertySource::getName).toList();
    assertThat(order.indexOf(DotEnvEnvironment.SOURCE_NAME))
        .isEqualTo(order.indexOf(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME) + 1);
  }

  @Test
  void mapsSpringNamesInTheFileLikeTheEnvironment() throws IOException {
    Path file =
        Files.write(
            dir.resolve(".env"), List.of("SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/x"));

    StandardEnvironment environment = environment(Map.of(), file);

    assertThat(environment.getProperty("spring.datasource.url"))
        .isEqualTo("jdbc:postgresql://db:5432/x");
  }

  @Test
  void keepsTheFilesProblemsForTheCheckInsteadOfFailingBeforeLoggingWorks() throws IOException {
    Path file = Files.write(dir.resolve(".env"), List.of("NOT A LINE"));

    StandardEnvironment environment = environment(Map.of(), file);

    PropertySource<?> source = environment.getPropertySources().get(DotEnvEnvironment.SOURCE_NAME);
    assertThat(((DotEnvEnvironment.Source) source).contents().problems())
        .containsExactly(file + " line 1: expected NAME=value");
  }
}
