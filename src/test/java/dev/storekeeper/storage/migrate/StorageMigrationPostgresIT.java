package dev.storekeeper.storage.migrate;

import dev.storekeeper.OnPostgres;

@OnPostgres
class StorageMigrationPostgresIT extends StorageMigrationIT {}
