package dev.storekeeper.storage.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.OnH2;
import org.junit.jupiter.api.Test;

@OnH2
class StorageMigrationH2IT extends StorageMigrationIT {

  @Test
  void theCommitBarrierCheckpointsTheEmbeddedDatabaseAsItsAdministrator() {
    CommitBarrier barrier = CommitBarrier.of(dataSource);

    assertThat(barrier.flushes()).isTrue();
    barrier.run();
  }
}
