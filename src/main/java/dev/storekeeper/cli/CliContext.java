package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupReports;
import dev.storekeeper.cleanup.CleanupService;
import dev.storekeeper.storage.StorageLayout;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The services a command uses, from a started {@link CliApplication} context. Starting it opens the
 * data directories and connects to the database (migrating it if it is behind the jar), so a
 * command learns at once whether either is unreachable; every failure to start is turned into a
 * {@link CliFailure} with its exit code.
 */
final class CliContext implements AutoCloseable {

  static final String PROFILE = "cli";

  private final ConfigurableApplicationContext context;
  private final CleanupService cleanup;
  private final CleanupReports reports;
  private final JsonMapper json;

  private CliContext(ConfigurableApplicationContext context) {
    this.context = context;
    // the data directories first: the embedded database lives in one of them
    context.getBean(StorageLayout.class);
    Migrations.ensureCurrent(context);
    this.cleanup = context.getBean(CleanupService.class);
    this.reports = context.getBean(CleanupReports.class);
    this.json = context.getBean(JsonMapper.class);
  }

  static CliContext start() {
    SpringApplication application = new SpringApplication(CliApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setBannerMode(Banner.Mode.OFF);
    application.setLogStartupInfo(false);
    application.setAdditionalProfiles(PROFILE);
    // the command's own arguments are not Spring properties: --completed-days=3 must not bind
    application.setAddCommandLineProperties(false);
    ConfigurableApplicationContext context = null;
    try {
      context = application.run();
      return new CliContext(context);
    } catch (RuntimeException e) {
      if (context != null) {
        closeQuietly(context);
      }
      throw Failures.classify(e);
    }
  }

  CleanupService cleanup() {
    return cleanup;
  }

  CleanupReports reports() {
    return reports;
  }

  JsonMapper json() {
    return json;
  }

  /** Any service of the command's context (beans are created lazily, on first use). */
  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }

  private static void closeQuietly(ConfigurableApplicationContext context) {
    try {
      context.close();
    } catch (RuntimeException ignored) {
      // the start failure is what the operator needs to see
    }
  }
}
