package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

  private static final UUID JOB = UUID.fromString("3f2a1b4c-0000-4000-8000-000000000001");
  private final ObjectKeys keys = new ObjectKeys("tenant/storekeeper/");

  @Test
  void usesTheReferenceApplicationsNamesInsideThePrefix() {
    assertThat(keys.upload(JOB, "scan.nii.gz"))
        .isEqualTo("tenant/storekeeper/uploads/" + JOB + "_scan.nii.gz");
    assertThat(keys.outputs(JOB)).isEqualTo("tenant/storekeeper/outputs/" + JOB + "/");
    assertThat(keys.output(JOB, "stats/aseg.stats"))
        .isEqualTo("tenant/storekeeper/outputs/" + JOB + "/stats/aseg.stats");
    assertThat(keys.servicePrefix()).isEqualTo("tenant/storekeeper/.storekeeper/");
  }

  @Test
  void worksWithoutAPrefix() {
    ObjectKeys bare = new ObjectKeys("");

    assertThat(bare.upload(JOB, "a")).isEqualTo("uploads/" + JOB + "_a");
    assertThat(bare.isOurs("anything/at/all")).isTrue();
    assertThat(bare.isOurs("../up")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"naïve 日本.nii", "line\nbreak", "100%+sure", "..hidden", "a..b", " "})
  void keepsANameExactlyWhenItIsOneSegment(String name) {
    assertThat(keys.upload(JOB, name)).endsWith("_" + name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b", "/", "../x"})
  void refusesAnUploadNameThatIsNotOneSegment(String name) {
    assertThatThrownBy(() -> keys.upload(JOB, name)).isInstanceOf(UnsafeKeyException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../other", "a/../../b", "./a", "a//b", "/abs", "a/.", ""})
  void refusesAnOutputPathThatClimbsOrHasEmptySegments(String path) {
    assertThatThrownBy(() -> keys.output(JOB, path)).isInstanceOf(UnsafeKeyException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tenant/other/x",
        "tenant/storekeeper",
        "tenant/storekeeper/",
        "tenant/storekeeper/../x",
        "tenant/storekeeper/uploads/../../../etc/passwd",
        "tenant/storekeeper//x",
        "tenant/storekeeper/./x",
        "tenant/storekeeper/x\0y",
        "Tenant/storekeeper/x"
      })
  void refusesKeysThatEscapeThePrefix(String key) {
    assertThat(keys.isOurs(key)).isFalse();
    assertThatThrownBy(() -> keys.requireOurs(key)).isInstanceOf(UnsafeKeyException.class);
  }

  @Test
  void refusesAKeyLongerThanS3Allows() {
    // 19 bytes of prefix, 502 two-byte letters, one byte: 1,024 bytes
    String longest = "tenant/storekeeper/" + "é".repeat(502) + "x";

    assertThat(keys.isOurs(longest)).isTrue();
    assertThat(keys.isOurs(longest + "x")).isFalse();
  }

  @Test
  void showsControlCharactersOfARefusedKeyEscaped() {
    assertThatThrownBy(() -> keys.requireOurs("elsewhere/\nfake log line"))
        .hasMessageContaining("\\u000a")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"no-slash", "/abs/", "../", "a\tb/"})
  void refusesAPrefixThatIsNotNormalisedOrSafe(String prefix) {
    assertThatThrownBy(() -> new ObjectKeys(prefix)).isInstanceOf(UnsafeKeyException.class);
  }
}
