package dev.storekeeper.config;

import dev.storekeeper.cleanup.CapacityProperties;
import dev.storekeeper.cleanup.CleanupProperties;
import dev.storekeeper.cleanup.PlanProperties;
import dev.storekeeper.processing.ProcessingProperties;
import dev.storekeeper.storage.StorageProperties;
import dev.storekeeper.storage.s3.ObjectStorageProperties;
import dev.storekeeper.web.WebProperties;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Checks the values of our settings before anything uses them, with the rules the settings classes
 * themselves declare (the bean validation annotations on every {@code @ConfigurationProperties}
 * record of the application): one set of rules, applied here early and again when the beans bind.
 *
 * <p>A problem names the variable the operator set, with the value as they typed it ({@code "0"},
 * not the {@code 0.0} it was converted to). A setting that is not set but takes another's value
 * ({@code RETENTION_CANCELLED_DAYS} defaults to {@code RETENTION_FAILED_DAYS}) is not blamed for
 * that other setting's value: the one the operator set is.
 */
final class SettingValues {

  private final ConfigurableEnvironment environment;
  private final SettingNames names;

  SettingValues(ConfigurableEnvironment environment, SettingNames names) {
    this.environment = environment;
    this.names = names;
  }

  /** A property whose value breaks a rule, and what the rule says. */
  private record Fault(String property, String rule, boolean wrongType) {}

  List<String> problems() {
    List<Fault> faults = new ArrayList<>();
    Binder binder = Binder.get(environment);
    for (Class<?> type : SETTINGS) {
      faults.addAll(faults(binder, type));
    }
    Set<String> blamed = new LinkedHashSet<>();
    for (Fault fault : faults) {
      names.variableOf(fault.property()).filter(this::isSet).ifPresent(blamed::add);
    }
    Set<String> problems = new LinkedHashSet<>();
    for (Fault fault : faults) {
      describe(fault, blamed).ifPresent(problems::add);
    }
    return List.copyOf(problems);
  }

  private List<Fault> faults(Binder binder, Class<?> type) {
    String prefix = prefixOf(type);
    Map<String, Fault> byProperty = new LinkedHashMap<>();
    Object bound =
        binder.bindOrCreate(
            prefix,
            Bindable.of(type),
            new AbstractBindHandler() {
              @Override
              public Object onFailure(
                  ConfigurationPropertyName name,
                  Bindable<?> target,
                  BindContext context,
                  Exception error) {
                String property = name.toString();
                byProperty.putIfAbsent(
                    property, new Fault(property, typeName(target.getType().resolve()), true));
                return null;
              }
            });
    for (ConstraintViolation<Object> violation : Holder.VALIDATOR.validate(bound)) {
      String property = prefix + "." + kebab(violation.getPropertyPath().toString());
      byProperty.putIfAbsent(property, new Fault(property, violation.getMessage(), false));
    }
    return List.copyOf(byProperty.values());
  }

  private Optional<String> describe(Fault fault, Set<String> blamed) {
    Optional<String> variable = names.variableOf(fault.property());
    if (variable.isPresent() && isSet(variable.get())) {
      return Optional.of(text(variable.get(), fault, raw(variable.get())));
    }
    if (variable.isPresent()) {
      for (String fallback : names.fallbacksOf(fault.property())) {
        if (isSet(fallback)) {
          // the other setting's own problem says it all
          return blamed.contains(fallback)
              ? Optional.empty()
              : Optional.of(
                  text(
                      variable.get() + " (not set, so it takes " + fallback + "'s value)",
                      fault,
                      raw(fallback)));
        }
      }
    }
    Object value = raw(fault.property());
    if (variable.isPresent()
        && value instanceof String placeholder
        && placeholder.startsWith("${" + variable.get())) {
      // a setting that is required here and set nowhere (S3_BUCKET with STORAGE_BACKEND=s3)
      return Optional.of("%s %s; it is not set".formatted(variable.get(), fault.rule()));
    }
    // set under its property name (a command-line or test property), not through a variable
    return Optional.of(text(fault.property(), fault, value));
  }

  private static String text(String name, Fault fault, Object value) {
    String shown = isSecret(name) ? length(value) : shown(value);
    return fault.wrongType()
        ? "%s has the value %s, which is not a valid %s".formatted(name, shown, fault.rule())
        : "%s %s, got %s".formatted(name, fault.rule(), shown);
  }

  /** A token or password is never written to a log, not even a wrong one. */
  static boolean isSecret(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    return upper.contains("TOKEN") || upper.contains("PASSWORD") || upper.contains("SECRET");
  }

  private static String length(Object value) {
    String text = value == null ? "" : value.toString();
    return text.isEmpty() ? "an empty value" : "a value of " + text.length() + " characters";
  }

  /** Set by the operator: in any source but our own defaults (which never hold a variable). */
  private boolean isSet(String variable) {
    return environment.containsProperty(variable);
  }

  /** The value as written, before placeholders in it are resolved or it is converted. */
  private Object raw(String name) {
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (source.containsProperty(name)) {
        return source.getProperty(name);
      }
    }
    return environment.getProperty(name);
  }

  /**
   * A value as the operator wrote it. Quotes in a real environment variable (a systemd {@code
   * Environment=} line, a compose file) are part of the value.
   */
  static String shown(Object value) {
    String text = value == null ? "" : value.toString();
    if (text.isEmpty()) {
      return "an empty value";
    }
    boolean quoted =
        text.length() >= 2
            && (text.startsWith("\"") && text.endsWith("\"")
                || text.startsWith("'") && text.endsWith("'"));
    return '"' + text + '"' + (quoted ? " (the quotes are part of the value)" : "");
  }

  static String typeName(Class<?> type) {
    if (type == null) {
      return "value";
    }
    Class<?> boxed = ClassUtils.resolvePrimitiveIfNecessary(type);
    if (boxed == Integer.class || boxed == Long.class || boxed == Short.class) {
      return "whole number";
    }
    if (boxed == Double.class || boxed == Float.class) {
      return "number";
    }
    if (boxed == Boolean.class) {
      return "boolean (true or false)";
    }
    return type.getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** {@code retentionFailedDays} -> {@code retention-failed-days}. */
  static String kebab(String camel) {
    StringBuilder out = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String prefixOf(Class<?> type) {
    ConfigurationProperties annotation =
        AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
    return annotation == null ? "" : annotation.prefix();
  }

  /**
   * Every settings class of the application. A list rather than a class-path scan, which would cost
   * a bad setting's failure a good part of its time; {@code SettingValuesTest} fails when a new
   * {@code @ConfigurationProperties} class is not listed here.
   */
  static final List<Class<?>> SETTINGS =
      List.of(
          dev.storekeeper.storage.s3.DownloadProperties.class,
          CapacityProperties.class,
          CleanupProperties.class,
          ObjectStorageProperties.class,
          PlanProperties.class,
          ProcessingProperties.class,
          StorageProperties.class,
          TokenProperties.class,
          WebProperties.class);

  private static final class Holder {
    static final Validator VALIDATOR =
        Validation.byDefaultProvider()
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory()
            .getValidator();
  }
}
