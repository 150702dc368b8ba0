package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a client sends as a file name, the stored name is one harmless path component. */
class SafeNamePropertyTest {

  /** Characters that have broken file-name sanitisers: separators, dots, controls, surrogates. */
  private static final String HOSTILE =
      "/\\.\0\n\r\t \u0001\u001f\u007f\u0085\u009f\u00a0\u2028\u2029\u200b\u202e\ufeff"
          + ":*?\"<>|~$%_-éß履😀\uD800\uDBFF\uDC00\uDFFF";

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> hostile =
        Arbitraries.strings().withChars(HOSTILE.toCharArray()).withChars('a', 'z').ofMaxLength(80);
    Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(300);
    Arbitrary<String> longNames =
        Arbitraries.strings()
            .withChars(HOSTILE.toCharArray())
            .withChars('a', 'z')
            .ofMinLength(150)
            .ofMaxLength(600);
    Arbitrary<String> paths =
        Arbitraries.of("../", "..\\", "/", "\\", "./", "", "C:\\", "..")
            .list()
            .ofMaxSize(4)
            .flatMap(prefixes -> hostile.map(tail -> String.join("", prefixes) + tail));
    return Arbitraries.oneOf(hostile, anyChars, longNames, paths);
  }

  @Property(tries = 2000)
  void isAlwaysOneHarmlessPathComponent(@ForAll("names") String original) {
    String safe = StorageLayout.safeName(original);

    assertThat(safe).isNotEmpty().isNotEqualTo(".").isNotEqualTo("..").doesNotStartWith(".");
    assertThat(safe).doesNotContain("/", "\\", "\0");
    assertThat(safe.codePoints())
        .noneMatch(Character::isISOControl)
        .noneMatch(Character::isWhitespace)
        .noneMatch(cp -> Character.getType(cp) == Character.SURROGATE);
    assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(safe)).isTrue();
    assertThat(safe.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
    assertThat(Path.of(safe).getNameCount()).isEqualTo(1);
    assertThat(Path.of(safe).getFileName()).hasToString(safe);
  }

  @Property(tries = 500)
  void keepsTheEndOfTheOriginalName(@ForAll("names") String original) {
    String safe = StorageLayout.safeName(original);

    String lastSegment =
        original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1);
    if (!safe.equals("upload") && lastSegment.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
      assertThat(lastSegment).endsWith(safe);
    }
  }

  @Property(tries = 500)
  void uploadNameFitsAnyFileSystemAndEncodesTheJob(@ForAll("names") String original) {
    UUID job = UUID.randomUUID();

    String name = StorageLayout.uploadName(job, original);

    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    assertThat(StorageLayout.jobIdOfUpload(name)).contains(job);
    assertThat(StorageLayout.isTempUpload(name)).isFalse();
    assertThat(StorageLayout.jobIdOfOutput(name)).isEmpty();
  }
}
