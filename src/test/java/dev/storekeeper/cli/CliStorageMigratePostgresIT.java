package dev.storekeeper.cli;

import java.nio.file.Path;

class CliStorageMigratePostgresIT extends CliStorageMigrateIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.postgres(dataDir);
  }
}
