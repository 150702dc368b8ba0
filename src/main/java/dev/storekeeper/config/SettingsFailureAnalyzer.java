package dev.storekeeper.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.validation.FieldError;

/**
 * Turns a configuration failure into Spring Boot's failure report (and the CLI's message), naming
 * what the operator set: the variable ({@code RETENTION_FAILED_DAYS}), not the internal property it
 * is read into, or the settings file and line.
 *
 * <p>{@link SettingsCheck} finds the problems before any bean exists; a failure to bind one of our
 * settings classes later (a settings class the check did not see) is explained the same way.
 */
class SettingsFailureAnalyzer implements FailureAnalyzer {

  static final String ACTION =
      "Fix the variable in the environment or in the settings file (.env, or the file ENV_FILE"
          + " names); see README.md, Configuration.";

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof InvalidSettingsException invalid) {
        return new FailureAnalysis(invalid.description(), ACTION, invalid);
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException bind
          && bind.getName().toString().startsWith("storekeeper.")) {
        return new FailureAnalysis(describe(bind).description(), ACTION, bind);
      }
    }
    return null;
  }

  private static InvalidSettingsException describe(BindException cause) {
    String property = cause.getName().toString();
    List<String> problems = new ArrayList<>();
    if (cause.getCause() instanceof BindValidationException validation) {
      validation
          .getValidationErrors()
          .getAllErrors()
          .forEach(
              error -> {
                if (error instanceof FieldError field) {
                  problems.add(
                      "%s %s, got %s"
                          .formatted(
                              variableName(property + "." + SettingValues.kebab(field.getField())),
                              error.getDefaultMessage(),
                              SettingValues.shown(field.getRejectedValue())));
                } else {
                  problems.add(error.getDefaultMessage());
                }
              });
    } else {
      problems.add(
          "%s has the value %s, which is not a valid %s"
              .formatted(
                  variableName(property),
                  SettingValues.shown(resolvedValue(cause)),
                  SettingValues.typeName(cause.getTarget().getType().resolve())));
    }
    return new InvalidSettingsException(problems);
  }

  /**
   * The value the conversion saw. The bound property still holds the unresolved placeholder from
   * application.properties ({@code ${RETENTION_FAILED_DAYS:7}}), which is not what the operator
   * wrote.
   */
  private static Object resolvedValue(BindException cause) {
    for (Throwable failure = cause.getCause(); failure != null; failure = failure.getCause()) {
      if (failure instanceof ConversionFailedException conversion) {
        return conversion.getValue();
      }
    }
    return cause.getProperty() == null ? null : cause.getProperty().getValue();
  }

  static String variableName(String property) {
    return SettingNames.get().variableOf(property).orElse(property);
  }
}
