package dev.storekeeper.cleanup;

import dev.storekeeper.storage.s3.OnS3H2;

@OnS3H2
class S3BackendH2IT extends S3BackendIT {}
