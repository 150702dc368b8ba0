package dev.storekeeper.storage.s3;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The object-storage settings fit together ({@link ObjectStorageRules}). Each problem is reported
 * on the property at fault, so that the settings check names its variable ({@code S3_BUCKET}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ObjectStorageRules.class)
public @interface ValidObjectStorage {

  String message() default "object storage settings are inconsistent";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
