package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DaysTest {

  final Days days = new Days();

  @ParameterizedTest
  @ValueSource(strings = {"0", "000", "7", "+7", "36500", "007"})
  void acceptsWholeNumbersFromZeroTo36500(String value) {
    assertThat(days.convert(value)).isBetween(0, 36500);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "-0", "abc", "1.5", "", " ", "7d", "1e3", "0x10"})
  void refusesEverythingElseQuotingTheValue(String value) {
    assertThatThrownBy(() -> days.convert(value))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("must be a whole number >= 0, got \"" + value + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"36501", "999999999", "99999999999"})
  void refusesMoreThanOneHundredYears(String value) {
    assertThatThrownBy(() -> days.convert(value))
        .hasMessage("must be a whole number between 0 and 36500, got \"" + value + "\"");
  }
}
