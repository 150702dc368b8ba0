package dev.storekeeper.cli;

import java.nio.file.Path;

class CliImportPostgresIT extends CliImportIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.postgres(dataDir);
  }
}
