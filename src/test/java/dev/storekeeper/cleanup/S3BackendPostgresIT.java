package dev.storekeeper.cleanup;

import dev.storekeeper.storage.s3.OnS3Postgres;

@OnS3Postgres
class S3BackendPostgresIT extends S3BackendIT {}
