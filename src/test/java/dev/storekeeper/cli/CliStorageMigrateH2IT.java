package dev.storekeeper.cli;

import java.nio.file.Path;

class CliStorageMigrateH2IT extends CliStorageMigrateIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.h2(dataDir);
  }
}
