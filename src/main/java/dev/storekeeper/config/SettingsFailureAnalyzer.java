package dev.storekeeper.config;

import java.util.Locale;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.validation.FieldError;

/**
 * Turns a failure to bind one of our settings into a message that names the variable an operator
 * sets ({@code RETENTION_FAILED_DAYS}), not the internal property it is read into.
 *
 * <p>Our property names end in the kebab-case form of the variable ({@code
 * storekeeper.cleanup.retention-failed-days}), so the variable is derived from the name.
 */
class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    String property = cause.getName().toString();
    if (!property.startsWith("storekeeper.")) {
      return null;
    }
    String description;
    if (cause.getCause() instanceof BindValidationException validation) {
      StringBuilder text = new StringBuilder("Invalid configuration:");
      validation
          .getValidationErrors()
          .getAllErrors()
          .forEach(
              error -> {
                text.append(System.lineSeparator()).append("  - ");
                if (error instanceof FieldError field) {
                  text.append(variableName(field.getField()))
                      .append(" ")
                      .append(error.getDefaultMessage())
                      .append(", got ")
                      .append(shown(field.getRejectedValue()));
                } else {
                  text.append(error.getDefaultMessage());
                }
              });
      description = text.toString();
    } else {
      String value = shown(resolvedValue(cause));
      description =
          "Invalid configuration: %s has the value %s, which is not a valid %s."
              .formatted(
                  variableName(property),
                  value,
                  cause
                      .getTarget()
                      .getType()
                      .resolve(Object.class)
                      .getSimpleName()
                      .toLowerCase(Locale.ROOT));
    }
    return new FailureAnalysis(
        description,
        "Fix the variable in the environment or in .env (see README.md, Configuration).",
        cause);
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

  /**
   * A value as the operator wrote it. An empty one was converted to null before validation. Quotes
   * are a common slip in .env, which is read as a properties file and keeps them.
   */
  private static String shown(Object value) {
    String text = value == null ? "" : value.toString();
    if (text.isEmpty()) {
      return "an empty value";
    }
    boolean quoted =
        text.length() >= 2
            && (text.startsWith("\"") && text.endsWith("\"")
                || text.startsWith("'") && text.endsWith("'"));
    return '"'
        + text
        + '"'
        + (quoted ? " (the quotes are part of the value: in .env write NAME=value, unquoted)" : "");
  }

  static String variableName(String property) {
    String last = property.substring(property.lastIndexOf('.') + 1);
    StringBuilder name = new StringBuilder();
    for (char c : last.toCharArray()) {
      if (Character.isUpperCase(c)) {
        name.append('_');
      }
      name.append(c == '-' ? '_' : Character.toUpperCase(c));
    }
    return name.toString();
  }
}
