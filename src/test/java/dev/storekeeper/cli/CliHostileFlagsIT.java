package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.cli.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 7, case 6: flag values the usage suite does not try — repeated flags and numbers beyond any
 * integer type. Each exits 2 naming the option before anything is started or written.
 */
class CliHostileFlagsIT {

  @TempDir Path scratch;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--completed-days 1 --completed-days 2|--completed-days",
        "--failed-days=3 --failed-days=3|--failed-days",
        "--completed-days 99999999999999999999|--completed-days",
        "--cancelled-days -99999999999999999999|--cancelled-days",
        "--failed-days 0x10|--failed-days",
        "--completed-days ٣|--completed-days"
      })
  void exitsTwoNamingTheOptionAndWritesNothing(String arguments, String option) throws Exception {
    Path data = scratch.resolve("data");
    String[] args =
        Stream.concat(Stream.of("cleanup"), Stream.of(arguments.split(" "))).toArray(String[]::new);

    Result result = new CliProcess(scratch).env("DATA_DIR", data.toString()).java(args);

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr()).contains(option);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(Files.exists(data)).as("nothing written: %s", data).isFalse();
  }
}
