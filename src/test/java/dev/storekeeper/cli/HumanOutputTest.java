package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanOutputTest {

  @ParameterizedTest(name = "{0} bytes = {1}")
  @CsvSource({
    "0, 0 B",
    "1023, 1023 B",
    "1024, 1.0 KB",
    "1536, 1.5 KB",
    "1048576, 1.0 MB",
    "1610612736, 1.5 GB",
    "1099511627776, 1.0 TB"
  })
  void sizesAreInPowersOf1024(long bytes, String text) {
    assertThat(HumanOutput.size(bytes)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} s = {1}")
  @CsvSource({
    "59, 0 min",
    "60, 1 min",
    "3600, 1 h",
    "86399, 23 h",
    "86400, 1 day",
    "172800, 2 days"
  })
  void agesInTheLargestWholeUnit(long seconds, String text) {
    assertThat(HumanOutput.age(seconds)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} ms = {1}")
  @CsvSource({"0, 0 ms", "999, 999 ms", "1000, 1.0 s", "12345, 12.3 s"})
  void durations(long millis, String text) {
    assertThat(HumanOutput.duration(millis)).isEqualTo(text);
  }
}
