package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/**
 * Counts that must be at least one ({@code --threads}, page sizes) state one range however refused.
 */
class AtLeastOneTest {

  final MigrateThreads threads = new MigrateThreads();
  final PageSize pageSize = new PageSize();

  @ParameterizedTest
  @CsvSource({"1, 1", "+07, 7", "032, 32", "' 5 ', 5"})
  void acceptsOneToTheMaximum(String value, int expected) {
    assertThat(threads.convert(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "000", "+0", "33", "99999999999"})
  void belowAndAboveTheRangeAreToldTheSameRange(String value) {
    assertThatThrownBy(() -> threads.convert(value))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("must be a whole number between 1 and 32, got \"" + value + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "abc", "1.5", "", "4x", "1e1"})
  void anythingButDigitsIsRefusedNamingTheLeastValue(String value) {
    assertThatThrownBy(() -> threads.convert(value))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("must be a whole number >= 1, got \"" + value + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1001"})
  void pageSizesRunFromOneToAThousand(String value) {
    assertThatThrownBy(() -> pageSize.convert(value))
        .hasMessage("must be a whole number between 1 and 1000, got \"" + value + "\"");
    assertThat(pageSize.convert("1000")).isEqualTo(1000);
  }
}
