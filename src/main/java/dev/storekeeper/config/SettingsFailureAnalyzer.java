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
                      .append(", got \"")
                      .append(field.getRejectedValue())
                      .append('"');
                } else {
                  text.append(error.getDefaultMessage());
                }
              });
      description = text.toString();
    } else {
      Object value = rejectedValue(cause);
      description =
          "Invalid configuration: %s has the value \"%s\", which is not a valid %s."
              .formatted(
                  variableName(property),
                  value,
                  cause.getTarget().getType().resolve(Object.class).getSimpleName().toLowerCase(
                      Locale.ROOT));
    }
    return new FailureAnalysis(
        description,
        "Fix the variable in the environment or in .env (see README.md, Configuration).",
        cause);
  }

  /**
   * The value that failed to convert. The bound property's own value is what the properties file
   * says ({@code ${RETENTION_FAILED_DAYS:7}}), not what the operator set; the conversion failure
   * holds the resolved one.
   */
  private static Object rejectedValue(BindException cause) {
    for (Throwable t = cause.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ConversionFailedException conversion) {
        return conversion.getValue();
      }
    }
    return cause.getProperty() == null ? null : cause.getProperty().getValue();
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
