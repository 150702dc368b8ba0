package dev.storekeeper.storage.migrate;

import dev.storekeeper.OnH2;

@OnH2
class StorageMigrationH2IT extends StorageMigrationIT {}
