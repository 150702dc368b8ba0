package dev.storekeeper.storage.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.OnPostgres;
import org.junit.jupiter.api.Test;

@OnPostgres
class StorageMigrationPostgresIT extends StorageMigrationIT {

  @Test
  void postgresNeedsNoCommitBarrier() {
    assertThat(CommitBarrier.of(dataSource).flushes()).isFalse();
  }
}
