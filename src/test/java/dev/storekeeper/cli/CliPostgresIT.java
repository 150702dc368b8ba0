package dev.storekeeper.cli;

import java.nio.file.Path;

class CliPostgresIT extends CliIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.postgres(dataDir);
  }
}
