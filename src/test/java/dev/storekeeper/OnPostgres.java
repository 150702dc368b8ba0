package dev.storekeeper;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs a Spring test against the real local PostgreSQL (database from STOREKEEPER_TEST_PG_DB,
 * default {@code storekeeper_test}; {@code .ci/run} creates it).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@TestPropertySource(
    properties = {
      "DATA_DIR=target/it/pg",
      "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/${STOREKEEPER_TEST_PG_DB:storekeeper_test}",
      "spring.datasource.username=postgres",
      "spring.datasource.password="
    })
public @interface OnPostgres {}
