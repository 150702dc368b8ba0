package dev.storekeeper.cleanup;

import dev.storekeeper.storage.s3.OnS3H2;

@OnS3H2
class CleanupServiceS3H2IT extends CleanupServiceS3IT {}
