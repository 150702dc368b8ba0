package dev.storekeeper.storage.s3;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The s3 backend ({@link OnS3}) on the real PostgreSQL, in a schema of its own: the filesystem
 * suites' contexts stay alive beside this one, and their workers must not take this context's jobs
 * from a shared task table. Every class so annotated shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@OnS3
@TestPropertySource(
    properties = {
      "DATA_DIR=target/it/pg-s3",
      "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/${STOREKEEPER_TEST_PG_DB:storekeeper_test}?currentSchema=s3",
      "spring.datasource.username=postgres",
      "spring.datasource.password=",
      "spring.flyway.schemas=s3",
      "spring.flyway.default-schema=s3"
    })
public @interface OnS3Postgres {}
