package dev.storekeeper.cli;

import java.nio.file.Path;

class CliPlansPostgresIT extends CliPlansIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.postgres(dataDir);
  }
}
