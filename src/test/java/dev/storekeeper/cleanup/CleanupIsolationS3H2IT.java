package dev.storekeeper.cleanup;

import dev.storekeeper.storage.s3.OnS3H2;

@OnS3H2
class CleanupIsolationS3H2IT extends CleanupIsolationIT {}
