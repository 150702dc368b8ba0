package dev.storekeeper.cli;

import java.nio.file.Path;

class CliPlansH2IT extends CliPlansIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.h2(dataDir);
  }
}
