package dev.storekeeper.processing;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * {@code PROCESSOR_ENV} names only valid variables and no secrets (see {@link
 * ProcessorEnvironment}); checked with the other settings, so a bad value stops startup with a
 * message naming the variable.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ProcessorEnvNames.Check.class)
@interface ProcessorEnvNames {

  String message() default "must name valid variables that hold no secrets";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** Public because the validation provider instantiates it reflectively. */
  final class Check implements ConstraintValidator<ProcessorEnvNames, String> {

    public Check() {}

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return ProcessorEnvironment.problemWith(value)
          .map(
              problem -> {
                context.disableDefaultConstraintViolation();
                context
                    .buildConstraintViolationWithTemplate(literal(problem))
                    .addConstraintViolation();
                return false;
              })
          .orElse(true);
    }

    /** The message echoes what the operator wrote, which must not be read as a template. */
    private static String literal(String message) {
      return message.replaceAll("([\\\\{}$])", "\\\\$1");
    }
  }
}
