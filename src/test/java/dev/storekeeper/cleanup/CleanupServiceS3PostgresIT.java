package dev.storekeeper.cleanup;

import dev.storekeeper.storage.s3.OnS3Postgres;

@OnS3Postgres
class CleanupServiceS3PostgresIT extends CleanupServiceS3IT {}
