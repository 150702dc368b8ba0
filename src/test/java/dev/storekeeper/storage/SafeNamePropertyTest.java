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

/**
 * Whatever a client sends as a file name, the stored name is one path component in the alphabet
 * {@code [A-Za-z0-9._-]}: nothing in it is syntax to a shell, an option to a program, or hidden.
 */
class SafeNamePropertyTest {

  /**
   * Characters that have broken file-name sanitisers and shell templates: separators, dots, dashes,
   * controls, surrogates, bidi controls, and everything a shell treats specially.
   */
  private static final String HOSTILE =
      "/\\.-\0\n\r\t \u0001\u001f\u007f\u0085\u009f\u00a0\u2028\u2029\u200b\u200e\u202e\u2066"
          + "\u061c\ufeff:*?\"<>|~$%_;&'`(){}[]!#=+@^,éß履😀\uD800\uDBFF\uDC00\uDFFF";

  /** Fragments that run a command when a shell reads them. */
  private static final String[] SHELL = {
    ";touch${IFS}INJECTED;#",
    "$(touch INJECTED)",
    "`touch INJECTED`",
    "\ntouch INJECTED\n",
    "&&touch INJECTED||",
    "|touch INJECTED",
    "'$(id)'",
    "\";id;\"",
    ">INJECTED",
    "${HOME}",
    "-rf"
  };

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
        Arbitraries.of("../", "..\\", "/", "\\", "./", "", "C:\\", "..", "-", ".-")
            .list()
            .ofMaxSize(4)
            .flatMap(prefixes -> hostile.map(tail -> String.join("", prefixes) + tail));
    Arbitrary<String> shell =
        Arbitraries.of(SHELL)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .flatMap(payloads -> hostile.map(text -> text + String.join(text, payloads) + ".txt"));
    return Arbitraries.oneOf(hostile, anyChars, longNames, paths, shell);
  }

  @Property(tries = 3000)
  void usesOnlyTheSafeAlphabet(@ForAll("names") String original) {
    String safe = StorageLayout.safeName(original);

    assertThat(safe)
        .matches("[A-Za-z0-9_][A-Za-z0-9._-]*")
        .containsPattern("[A-Za-z0-9]")
        .hasSizeLessThanOrEqualTo(200);
    assertThat(Path.of(safe).getNameCount()).isEqualTo(1);
    assertThat(Path.of(safe).getFileName()).hasToString(safe);
  }

  @Property(tries = 500)
  void keepsTheEndOfANameThatWasAlreadySafe(@ForAll("names") String original) {
    String safe = StorageLayout.safeName(original);

    String lastSegment =
        original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1);
    if (lastSegment.matches("[a-z]+")) {
      assertThat(lastSegment).endsWith(safe);
    }
  }

  @Provide
  Arbitrary<String> alreadySafe() {
    return Arbitraries.strings()
        .withChars("abcXYZ019._-")
        .ofMinLength(1)
        .ofMaxLength(200)
        .filter(name -> name.matches("[A-Za-z0-9_].*") && name.matches(".*[A-Za-z0-9].*"));
  }

  @Property(tries = 500)
  void leavesANameThatIsAlreadySafeAsItIs(@ForAll("alreadySafe") String original) {
    assertThat(StorageLayout.safeName(original)).isEqualTo(original);
  }

  @Property(tries = 500)
  void uploadNameIsShellInertAndEncodesTheJob(@ForAll("names") String original) {
    UUID job = UUID.randomUUID();

    String name = StorageLayout.uploadName(job, original);

    assertThat(name).matches("[A-Za-z0-9._-]+");
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    assertThat(StorageLayout.jobIdOfUpload(name)).contains(job);
    assertThat(StorageLayout.isTempUpload(name)).isFalse();
    assertThat(StorageLayout.jobIdOfOutput(name)).isEmpty();
  }
}
