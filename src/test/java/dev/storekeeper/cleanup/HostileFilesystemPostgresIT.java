package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class HostileFilesystemPostgresIT extends HostileFilesystemIT {}
