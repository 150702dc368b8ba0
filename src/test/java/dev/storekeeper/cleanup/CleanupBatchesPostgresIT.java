package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CleanupBatchesPostgresIT extends CleanupBatchesIT {}
