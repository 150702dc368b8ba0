package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.storage.s3.ObjectStorageProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WORK_DIR (the s3 backend's scratch) and how answers show an object's location: the data layout's
 * names ({@code uploads/…}, {@code outputs/…}), never the bucket or the prefix.
 */
class WorkDirAndObjectDisplayTest {

  @TempDir Path temp;

  private StorageLayout layout(String uploadDir, String outputDir, String workDir, String prefix) {
    StorageProperties storage =
        new StorageProperties(
            temp.resolve("data").toString(), uploadDir, outputDir, 1000L, 0L, workDir);
    return new StorageLayout(
        storage,
        new ObjectStorageProperties("s3", "bucket-1", prefix, "http://127.0.0.1:9000", null, null));
  }

  @Test
  void workDirDefaultsToDataDirWorkAndIsNotCreatedByTheLayout() {
    StorageLayout layout = layout(null, null, null, "");
    assertThat(layout.workRoot()).isEqualTo(temp.resolve("data").resolve("work").toAbsolutePath());
    assertThat(Files.exists(layout.workRoot())).isFalse();
  }

  @Test
  void workDirInsideOrAroundUploadsOrOutputsStopsStartNamingIt() {
    Path uploads = temp.resolve("up");
    assertThatThrownBy(() -> layout(uploads.toString(), null, uploads.resolve("w").toString(), ""))
        .hasMessageContaining("WORK_DIR")
        .hasMessageContaining("UPLOAD_DIR");
    Path outputs = temp.resolve("out");
    assertThatThrownBy(() -> layout(null, outputs.toString(), outputs.toString(), ""))
        .hasMessageContaining("WORK_DIR")
        .hasMessageContaining("OUTPUT_DIR");
  }

  @Test
  void objectLocationsAreShownFromUploadsOrOutputsOn() {
    StorageLayout layout = layout(null, null, null, "prod/sk");
    assertThat(layout.display("s3://bucket-1/prod/sk/uploads/0b7e_scan.csv"))
        .isEqualTo("uploads/0b7e_scan.csv");
    assertThat(layout.display("s3://bucket-1/prod/sk/outputs/0b7e/results.json"))
        .isEqualTo("outputs/0b7e/results.json");
    // anything else: its last segment, never the bucket or another prefix
    assertThat(layout.display("s3://other/secret/path/file.csv")).isEqualTo("file.csv");
    assertThat(layout.display("s3://bucket-1/prod/uploads/x.csv")).isEqualTo("x.csv");
  }

  @Test
  void scratchPathsInMessagesAreShownAsWork() {
    StorageLayout layout = layout(null, null, null, "");
    String message = "cannot read " + layout.workRoot().resolve("0b7e/input/x.csv");
    assertThat(layout.scrub(message)).isEqualTo("cannot read work/0b7e/input/x.csv");
  }
}
