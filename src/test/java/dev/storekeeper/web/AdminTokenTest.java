package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.config.InvalidSettingsException;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Issue 7, case 8: a generated admin token is kept private and never logged. */
@ExtendWith(OutputCaptureExtension.class)
class AdminTokenTest {

  @TempDir Path data;

  @Test
  void generatesAPrivateTokenFileAndLogsOnlyItsPath(CapturedOutput log) throws Exception {
    StorageLayout layout =
        new StorageLayout(new StorageProperties(data.toString(), null, null, 1000L, 0L, null));

    AdminToken token = new AdminToken("", layout);

    Path file = data.toRealPath().resolve("admin-token");
    String secret = Files.readString(file).strip();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(token.matches(secret)).isTrue();
    assertThat(token.matches(secret + " ")).isFalse();
    assertThat(token.matches("")).isFalse();
    assertThat(log.getAll()).contains(file.toString()).doesNotContain(secret);
  }

  @Test
  void aConfiguredTokenIsMatchedExactlyAndNeverWrittenToDisk() throws Exception {
    StorageLayout layout =
        new StorageLayout(new StorageProperties(data.toString(), null, null, 1000L, 0L, null));

    AdminToken token = new AdminToken("s3cret-configured", layout);

    assertThat(token.matches("s3cret-configured")).isTrue();
    assertThat(token.matches("S3CRET-CONFIGURED")).isFalse();
    assertThat(token.matches(null)).isFalse();
    assertThat(data.resolve("admin-token")).doesNotExist();
  }

  @Test
  void refusesATokenFileWithATokenShorterThan32CharactersWithoutShowingIt() throws Exception {
    StorageLayout layout =
        new StorageLayout(new StorageProperties(data.toString(), null, null, 1000L, 0L, null));
    Path file = layout.dataDir().resolve("admin-token");
    Files.writeString(file, "hunter2\n");

    assertThatThrownBy(() -> new AdminToken("", layout))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("only 7 characters long")
        .hasMessageContaining("at least 32 characters")
        .hasMessageNotContaining("hunter2");
  }
}
