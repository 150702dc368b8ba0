package dev.storekeeper.cleanup;

import org.springframework.test.context.TestPropertySource;

/**
 * The real PostgreSQL, in a schema of its own: the filesystem suites' contexts stay alive beside
 * this one, and their workers must not take this context's jobs from a shared task table.
 */
@TestPropertySource(
    properties = {
      "DATA_DIR=target/it/pg-s3",
      "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/${STOREKEEPER_TEST_PG_DB:storekeeper_test}?currentSchema=s3",
      "spring.datasource.username=postgres",
      "spring.datasource.password=",
      "spring.flyway.schemas=s3",
      "spring.flyway.default-schema=s3"
    })
class S3BackendPostgresIT extends S3BackendIT {}
