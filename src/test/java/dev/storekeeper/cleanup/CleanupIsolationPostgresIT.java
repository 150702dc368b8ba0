package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CleanupIsolationPostgresIT extends CleanupIsolationFilesystemIT {}
