package dev.storekeeper.cleanup;

import org.springframework.test.context.TestPropertySource;

/** A data directory and H2 database of its own: the filesystem suites' context stays as it is. */
@TestPropertySource(
    properties = {
      "DATA_DIR=target/it/h2-s3",
      "spring.datasource.url=jdbc:h2:file:./target/it/h2-s3/db;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
    })
class S3BackendH2IT extends S3BackendIT {}
