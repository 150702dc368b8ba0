package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, section 1: secrets and directories are created private, and only once. */
class PrivateFilesTest {

  @TempDir Path dir;

  @Test
  void aSecretIsGeneratedOncePrivateAndThenRead() throws IOException {
    Path file = dir.resolve("db-password");

    PrivateFiles.Secret first = PrivateFiles.readOrCreateSecret(file, () -> "first");
    PrivateFiles.Secret second = PrivateFiles.readOrCreateSecret(file, () -> "second");

    assertThat(first).isEqualTo(new PrivateFiles.Secret("first", true));
    assertThat(second).isEqualTo(new PrivateFiles.Secret("first", false));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void processesCreatingTheSameSecretTogetherAllGetTheOneWrittenFirst() throws Exception {
    Path file = dir.resolve("db-password");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> creators =
          IntStream.range(0, 32)
              .<Callable<String>>mapToObj(
                  i ->
                      () ->
                          PrivateFiles.readOrCreateSecret(file, () -> UUID.randomUUID().toString())
                              .value())
              .toList();
      List<String> seen = pool.invokeAll(creators).stream().map(PrivateFilesTest::get).toList();

      assertThat(seen).containsOnly(Files.readString(file).strip());
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void narrowsAFileOrDirectoryOpenToOthersAndSaysHow() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    Path sub = Files.createDirectory(dir.resolve("d"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxrwxr-x"));

    assertThat(PrivateFiles.narrow(file)).contains("0640 -> 0600");
    assertThat(PrivateFiles.narrow(sub)).contains("0775 -> 0700");
    assertThat(PrivateFiles.narrow(file)).isEmpty();
    assertThat(PrivateFiles.narrow(dir.resolve("gone"))).isEmpty();
  }

  private static String get(Future<String> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
