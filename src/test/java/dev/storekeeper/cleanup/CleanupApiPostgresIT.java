package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CleanupApiPostgresIT extends CleanupApiIT {}
