package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 11, section 7: a mistyped setting is named with the setting it was meant to be. */
class SettingNamesTest {

  private static final SettingNames NAMES = SettingNames.get();
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";

  @Test
  void knowsEveryPlaceholderOfApplicationPropertiesAndTheSettingsFileLocation() {
    assertThat(NAMES.known())
        .contains(
            "DATA_DIR",
            "UPLOAD_DIR",
            "OUTPUT_DIR",
            "SERVER_PORT",
            "MAX_UPLOAD_BYTES",
            "STORAGE_MIN_FREE_MB",
            "PROCESSOR",
            "PROCESSOR_COMMAND",
            "MAX_CONCURRENT_JOBS",
            "PROCESSING_TIMEOUT",
            "PROCESSING_MAX_ATTEMPTS",
            "CLEANUP_ENABLED",
            "CLEANUP_INTERVAL_HOURS",
            "RETENTION_COMPLETED_DAYS",
            "RETENTION_FAILED_DAYS",
            "RETENTION_CANCELLED_DAYS",
            "ORPHAN_GRACE_HOURS",
            "CLEANUP_BATCH_SIZE",
            "CLEANUP_HISTORY_DAYS",
            "CLEANUP_LOCK_LEASE_SECONDS",
            "SCHEDULER_HEARTBEAT_SECONDS",
            "ADMIN_TOKEN",
            "API_TOKEN",
            "ENV_FILE")
        .allSatisfy(name -> assertThat(name).matches("[A-Z][A-Z0-9_]*"));
  }

  @Test
  void mapsEachPropertyToItsVariableAndItsFallbacks() {
    assertThat(NAMES.variableOf("storekeeper.processing.max-attempts"))
        .contains("PROCESSING_MAX_ATTEMPTS");
    assertThat(NAMES.variableOf("storekeeper.cleanup.retention-cancelled-days"))
        .contains("RETENTION_CANCELLED_DAYS");
    assertThat(NAMES.fallbacksOf("storekeeper.cleanup.retention-cancelled-days"))
        .containsExactly("RETENTION_FAILED_DAYS");
    assertThat(NAMES.variableOf("spring.datasource.url")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "RETENTON_CANCELLED_DAYS, RETENTION_CANCELLED_DAYS",
    "RETENTION_CANCELED_DAYS, RETENTION_CANCELLED_DAYS",
    "RETENTION_COMPLETE_DAYS, RETENTION_COMPLETED_DAYS",
    "CLEANUP_INTERVAL, CLEANUP_INTERVAL_HOURS",
    "CLAENUP_ENABLED, CLEANUP_ENABLED",
    "DATADIR, DATA_DIR",
    "ORPHAN_GRACE_HOUR, ORPHAN_GRACE_HOURS",
    "retention_failed_days, RETENTION_FAILED_DAYS",
    "MAX_UPLOAD_SIZE, MAX_UPLOAD_BYTES",
  })
  void suggestsTheClosestKnownName(String typo, String meant) {
    assertThat(NAMES.isUnknownButOurs(typo)).isTrue();
    assertThat(NAMES.closest(typo)).isEqualTo(meant);
  }

  @ParameterizedTest
  @CsvSource({"PATH", "HOME", "JAVA_HOME", "LC_ALL", "STOREKEEPER_NICE", "SPRING_DATASOURCE_URL"})
  void leavesOtherVariablesAlone(String name) {
    assertThat(NAMES.isUnknownButOurs(name)).isFalse();
  }

  @Test
  void countsASwappedPairOfLettersAsOneTypo() {
    assertThat(SettingNames.distance("ORPAHN", "ORPHAN")).isEqualTo(1);
    assertThat(SettingNames.distance("ABC", "ABC")).isZero();
    assertThat(SettingNames.distance("", "ABC")).isEqualTo(3);
  }

  /**
   * Any one typo in any known name — a letter dropped, added, replaced or two swapped — is refused
   * and answered with a name one edit away: the intended one, unless another is just as close.
   */
  @Property(tries = 3000)
  void anyOneTypoIsRefusedWithANameOneEditAway(@ForAll("oneTypo") Typo typo) {
    String suggestion = NAMES.closest(typo.name());

    assertThat(NAMES.isUnknownButOurs(typo.name())).as("%s", typo).isTrue();
    assertThat(SettingNames.distance(typo.name(), suggestion)).as("%s", typo).isEqualTo(1);
    boolean anotherJustAsClose =
        NAMES.known().stream()
            .filter(name -> !name.equals(typo.meant()))
            .anyMatch(name -> SettingNames.distance(typo.name(), name) == 1);
    if (!anotherJustAsClose) {
      assertThat(suggestion).as("%s", typo).isEqualTo(typo.meant());
    }
  }

  /** The same typo in lower or mixed case is still ours. */
  @Property(tries = 500)
  void letterCaseDoesNotHideATypo(@ForAll("oneTypo") Typo typo) {
    String lower = typo.name().toLowerCase(Locale.ROOT);

    assertThat(NAMES.isUnknownButOurs(lower)).isTrue();
    assertThat(SettingNames.distance(typo.name(), NAMES.closest(lower))).isEqualTo(1);
  }

  record Typo(String meant, String name) {}

  @Provide
  Arbitrary<Typo> oneTypo() {
    List<String> known = NAMES.known().stream().sorted().toList();
    Arbitrary<String> meant = Arbitraries.of(known);
    Arbitrary<Character> letter = Arbitraries.of(LETTERS.chars().mapToObj(c -> (char) c).toList());
    return Combinators.combine(
            meant, Arbitraries.integers().between(0, 3), Arbitraries.integers(), letter)
        .as(
            (name, kind, where, c) -> {
              int at = Math.floorMod(where, name.length());
              String typo =
                  switch (kind) {
                    case 0 -> name.substring(0, at) + name.substring(at + 1);
                    case 1 -> name.substring(0, at) + c + name.substring(at);
                    case 2 -> name.substring(0, at) + c + name.substring(at + 1);
                    default ->
                        at + 1 < name.length()
                            ? name.substring(0, at)
                                + name.charAt(at + 1)
                                + name.charAt(at)
                                + name.substring(at + 2)
                            : name + c;
                  };
              return new Typo(name, typo);
            })
        // a typo that happens to spell another setting is that setting
        .filter(typo -> !typo.name().isEmpty() && !NAMES.known().contains(typo.name()));
  }
}
