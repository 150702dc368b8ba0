package dev.storekeeper.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourcePathsTest {

  static final UUID ID = UUID.fromString("0b5c7f5e-8a0e-4d7e-9a5f-3f4a1c2b9d10");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/app/data/uploads/4f1d_scan.nii.gz",
        "data/uploads/4f1d_scan.nii.gz",
        "uploads/4f1d_scan.nii.gz",
        "./data//uploads/./4f1d_scan.nii.gz"
      })
  void anUploadIsTheNameDirectlyInAnUploadsDirectory(String filePath) {
    assertThat(SourcePaths.upload(filePath).value()).isEqualTo("4f1d_scan.nii.gz");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/passwd",
        "../uploads/x",
        "/app/data/uploads/../../etc/passwd",
        "uploads/..",
        "uploads/x/..",
        "/app/data/uploads/sub/x",
        "x",
        "uploads",
        "uploads/a\0b",
        "",
        "   "
      })
  void anythingElseIsRefused(String filePath) {
    assertThat(SourcePaths.upload(filePath).refused()).isTrue();
  }

  @Test
  void aMissingFilePathIsRefused() {
    assertThat(SourcePaths.upload(null).refusal()).contains("no file_path");
  }

  @Test
  void aResultLiesBelowItsOwnJobsOutputDirectory() {
    assertThat(SourcePaths.result("/app/data/outputs/" + ID + "/results.json", ID).value())
        .isEqualTo("results.json");
    assertThat(SourcePaths.result("data/outputs/" + ID + "/", ID).value()).isEmpty();
    assertThat(SourcePaths.result("outputs/" + ID + "/a/b.png", ID).value()).isEqualTo("a/b.png");
    assertThat(SourcePaths.result(null, ID).value()).isNull();
    assertThat(SourcePaths.result(null, ID).refused()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/app/data/outputs/0b5c7f5e-8a0e-4d7e-9a5f-3f4a1c2b9d11/results.json",
        "/app/data/outputs/0b5c7f5e-8a0e-4d7e-9a5f-3f4a1c2b9d10/../other/x",
        "/tmp/results.json",
        "outputs"
      })
  void aResultAnywhereElseIsRefused(String resultPath) {
    assertThat(SourcePaths.result(resultPath, ID).refused()).isTrue();
  }
}
