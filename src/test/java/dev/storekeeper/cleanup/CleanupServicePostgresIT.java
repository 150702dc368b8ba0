package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CleanupServicePostgresIT extends CleanupServiceFilesystemIT {}
