package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class CleanupBatchesH2IT extends CleanupBatchesIT {}
