package dev.storekeeper.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Refuses to start, service and CLI alike, when the configuration has a problem: a malformed line
 * in the settings file, a name that looks like one of our settings but is not one (a typo is
 * otherwise ignored without a word, in a tool that deletes data), or a value that breaks its rule.
 * Every problem is reported at once.
 *
 * <p>It runs as soon as the environment is complete and logging is set up — before the web server,
 * Flyway, the database or the scheduler start, and before any bean exists — so a bad setting fails
 * in well under two seconds and nothing has been touched.
 */
class SettingsCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

  @Override
  public int getOrder() {
    // after logging is initialised: the failure report must be seen
    return LoggingApplicationListener.DEFAULT_ORDER + 1;
  }

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    check(event.getEnvironment());
  }

  static void check(ConfigurableEnvironment environment) {
    SettingNames names = SettingNames.get();
    List<String> problems = new ArrayList<>();
    PropertySource<?> file = environment.getPropertySources().get(DotEnvEnvironment.SOURCE_NAME);
    DotEnvFile.Contents contents =
        file instanceof DotEnvEnvironment.Source source ? source.contents() : null;
    if (contents != null) {
      problems.addAll(contents.problems());
    }
    PropertySource<?> variables =
        environment
            .getPropertySources()
            .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    if (variables instanceof EnumerablePropertySource<?> enumerable) {
      for (String name : enumerable.getPropertyNames()) {
        if (names.isUnknownButOurs(name)) {
          problems.add(names.unknown(name, " (in the environment)"));
        }
      }
    }
    if (contents != null) {
      contents
          .entries()
          .forEach(
              (name, entry) -> {
                if (names.isUnknownButOurs(name)) {
                  problems.add(
                      names.unknown(name, " (" + contents.file() + " line " + entry.line() + ")"));
                }
              });
    }
    problems.addAll(new SettingValues(environment, names).problems());
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems);
    }
  }
}
