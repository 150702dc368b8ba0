package dev.storekeeper.storage.s3;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The s3 backend ({@link OnS3}) with a data directory and H2 database of its own: the filesystem
 * suites' cached context, whose job workers poll their own task table, stays as it is. Every class
 * so annotated shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@OnS3
@TestPropertySource(
    properties = {
      "DATA_DIR=target/it/h2-s3",
      "spring.datasource.url=jdbc:h2:file:./target/it/h2-s3/db;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
    })
public @interface OnS3H2 {}
