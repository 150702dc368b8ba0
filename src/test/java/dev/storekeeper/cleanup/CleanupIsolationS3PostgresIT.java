package dev.storekeeper.cleanup;

import dev.storekeeper.storage.s3.OnS3Postgres;

@OnS3Postgres
class CleanupIsolationS3PostgresIT extends CleanupIsolationIT {}
