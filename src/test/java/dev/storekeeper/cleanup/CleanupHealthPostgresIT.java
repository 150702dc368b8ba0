package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CleanupHealthPostgresIT extends CleanupHealthIT {}
