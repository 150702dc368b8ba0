package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** No generated name keeps a character that can reorder or hide what an operator reads. */
class DisplayNamePropertyTest {

  private static final String CONTROLS =
      "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u200B\u2060"
          + "\uFEFF\u00AD\0\n\r\t\u001b\u007f\u0085\u2028\u2029";

  /** Letters of several scripts, punctuation, and the joiners some scripts and emoji need. */
  private static final String KEPT = "abc.-_ ;$`'\"履é\u05D0\u0627\u200C\u200D";

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> mixed =
        Arbitraries.strings()
            .withChars(CONTROLS.toCharArray())
            .withChars(KEPT.toCharArray())
            .ofMaxLength(60);
    return Arbitraries.oneOf(mixed, Arbitraries.strings().all().ofMaxLength(200));
  }

  @Property(tries = 2000)
  void keepsNoBidiFormatOrControlCharacter(@ForAll("names") String original) {
    String shown = JobService.displayName(original);

    assertThat(shown).isNotBlank().hasSizeLessThanOrEqualTo(1024);
    assertThat(shown.codePoints())
        .noneMatch(cp -> CONTROLS.indexOf(cp) >= 0)
        .noneMatch(Character::isISOControl)
        .noneMatch(cp -> Character.getType(cp) == Character.SURROGATE)
        .allMatch(cp -> Character.getType(cp) != Character.FORMAT || cp == 0x200C || cp == 0x200D);
  }

  @Provide
  Arbitrary<String> mixed() {
    return Arbitraries.strings()
        .withChars(CONTROLS.toCharArray())
        .withChars(KEPT.toCharArray())
        .ofMaxLength(60)
        .filter(name -> name.chars().anyMatch(c -> KEPT.indexOf(c) >= 0 && c != ' '));
  }

  @Property(tries = 1000)
  void removesOnlyThoseCharactersKeepingTheRestInOrder(@ForAll("mixed") String original) {
    StringBuilder expected = new StringBuilder();
    original.chars().filter(c -> CONTROLS.indexOf(c) < 0).forEach(c -> expected.append((char) c));

    assertThat(JobService.displayName(original)).isEqualTo(expected.toString());
  }
}
