package dev.storekeeper.config;

import java.nio.file.Path;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Adds the settings file ({@code .env} in the working directory, or the file {@code ENV_FILE}
 * names) to the environment, just below the real environment variables: a variable set in the
 * environment wins over the file, and command-line and test properties win over both. A file that
 * does not exist adds nothing.
 *
 * <p>The file is read by {@link DotEnvFile}, which understands {@code export} and quotes. Its
 * problems are not thrown here — logging is not set up yet, so nobody would see them — but kept
 * with the file's values for {@link SettingsCheck}, which reports them with every other problem.
 *
 * <p>Runs before the {@code application.properties} files are read, so that the file can do
 * everything a variable can (pick the database, the profiles).
 */
class DotEnvEnvironment implements EnvironmentPostProcessor, Ordered {

  /**
   * Spring Boot maps {@code SPRING_DATASOURCE_URL} to {@code spring.datasource.url} only in a
   * source of this type whose name ends in {@code -systemEnvironment}: the file then works for
   * every name the environment works for.
   */
  static final String SOURCE_NAME = "envFile-systemEnvironment";

  static final String DEFAULT_FILE = ".env";

  @Override
  public int getOrder() {
    return ConfigDataEnvironmentPostProcessor.ORDER - 1;
  }

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String location = environment.getProperty("ENV_FILE", "");
    Path file = Path.of(location.isBlank() ? DEFAULT_FILE : location).toAbsolutePath();
    DotEnvFile.Contents contents = DotEnvFile.read(file);
    Source source = new Source(contents);
    MutablePropertySources sources = environment.getPropertySources();
    sources.remove(SOURCE_NAME);
    if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
      sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
    } else {
      sources.addLast(source);
    }
  }

  /** The file's values, and what was wrong with it. */
  static final class Source extends SystemEnvironmentPropertySource {

    private final DotEnvFile.Contents contents;

    Source(DotEnvFile.Contents contents) {
      super(SOURCE_NAME, contents.values());
      this.contents = contents;
    }

    DotEnvFile.Contents contents() {
      return contents;
    }
  }
}
