package dev.storekeeper.cli;

import java.nio.file.Path;

class CliImportH2IT extends CliImportIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.h2(dataDir);
  }
}
