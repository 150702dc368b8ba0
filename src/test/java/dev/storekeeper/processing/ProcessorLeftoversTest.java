package dev.storekeeper.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.storekeeper.processing.JobProcessor.Request;
import dev.storekeeper.processing.JobProcessor.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11, section 2: whatever a processor leaves under the names Storekeeper reads or writes
 * ({@code metrics.csv}, {@code results.json}, {@code logs/processor.log}, {@code logs}, the output
 * directory itself) is never followed: nothing outside is read, written or created, and a FIFO
 * blocks nothing. Each case plants one kind of entry with a real {@code sh}.
 */
@DisabledOnOs(OS.WINDOWS)
class ProcessorLeftoversTest {

  private static final Duration GENEROUS = Duration.ofSeconds(30);
  private static final Duration NO_HANG = Duration.ofSeconds(20);
  private static final String SECRET = "leaked,42\nroot:x:0:0:root:/root:/bin/sh\n";

  /** What a processor plants under a name; {@code $1} is a file outside, {@code $2} a directory. */
  enum Planted {
    LINK_TO_A_FILE_OUTSIDE("ln -s \"$1\" %s"),
    LINK_TO_A_DIRECTORY_OUTSIDE("ln -s \"$2\" %s"),
    DANGLING_LINK("ln -s \"$2/created-through-a-link\" %s"),
    FIFO("mkfifo %s"),
    HARD_LINK_TO_A_FILE_OUTSIDE("ln \"$1\" %s");

    private final String command;

    Planted(String command) {
      this.command = command;
    }

    String at(String name) {
      return command.formatted(name);
    }
  }

  @TempDir Path dir;

  private Path input;
  private Path out;
  private Path outsideFile;
  private Path outsideDir;

  @BeforeEach
  void createInputOutputAndWhatLiesOutside() throws IOException {
    input = Files.writeString(dir.resolve("input.csv"), "a,b\n1,2\n");
    out = Files.createDirectories(dir.resolve("outputs/job"));
    outsideFile = Files.writeString(dir.resolve("passwd"), SECRET);
    outsideDir = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(outsideDir.resolve("metrics.csv"), SECRET);
    Files.writeString(outsideDir.resolve("results.json"), "{}");
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void metricsCsvIsImportedOnlyFromAPlainFile(Planted planted) throws Exception {
    Result result = run(planted.at("metrics.csv"));

    assertThat(result.metrics()).isEmpty();
    assertThat(log()).contains("storekeeper: metrics.csv ").contains("; no metrics imported");
    assertNothingOutsideChanged();
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void resultsJsonIsNamedAsTheResultOnlyWhenItIsAPlainFile(Planted planted) throws Exception {
    Result result = run(planted.at("results.json"));

    assertThat(result.resultFile()).isNull();
    assertThat(log()).contains("storekeeper: results.json ");
    assertNothingOutsideChanged();
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void notesAreNeverAppendedThroughALogTheProcessorReplaced(Planted planted) throws Exception {
    Result result =
        run(
            "rm logs/processor.log; "
                + planted.at("logs/processor.log")
                + "; echo oops > metrics.csv");

    assertThat(result.metrics()).isEmpty();
    assertNothingOutsideChanged();
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void notesAreNeverAppendedThroughALogsDirectoryTheProcessorReplaced(Planted planted)
      throws Exception {
    Result result = run("rm -r logs; " + planted.at("logs") + "; echo oops > metrics.csv");

    assertThat(result.metrics()).isEmpty();
    assertNothingOutsideChanged();
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void theErrorMessageNeverQuotesALogTheProcessorReplaced(Planted planted) throws Exception {
    assertThatThrownBy(
            () -> run("rm logs/processor.log; " + planted.at("logs/processor.log") + "; exit 3"))
        .isInstanceOf(ProcessingException.class)
        .hasMessageStartingWith("processor exited with code 3: (logs/processor.log not read: ")
        .hasMessageNotContaining("leaked")
        .hasMessageNotContaining("root:x");
    assertNothingOutsideChanged();
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void theErrorMessageNeverQuotesALogBehindAReplacedLogsDirectory(Planted planted)
      throws Exception {
    assertThatThrownBy(() -> run("rm -r logs; " + planted.at("logs") + "; exit 3"))
        .isInstanceOf(ProcessingException.class)
        .hasMessageStartingWith("processor exited with code 3: (logs/processor.log not read: logs ")
        .hasMessageNotContaining("leaked");
    assertNothingOutsideChanged();
  }

  @Test
  void anOutputDirectoryReplacedByALinkFailsTheJobWithoutReadingIt() throws Exception {
    assertThatThrownBy(() -> run("mv \"$3\" \"$3.moved\"; ln -s \"$2\" \"$3\""))
        .isInstanceOf(ProcessingException.class)
        .hasMessageContaining("is a symbolic link instead of a directory")
        .hasMessageNotContaining("leaked");
    assertNothingOutsideChanged();
  }

  @Test
  void aFailedProcessorThatReplacedItsOutputDirectoryIsNotQuoted() throws Exception {
    assertThatThrownBy(() -> run("mv \"$3\" \"$3.moved\"; ln -s \"$2\" \"$3\"; exit 1"))
        .isInstanceOf(ProcessingException.class)
        .hasMessageContaining("(logs/processor.log not read: the output directory")
        .hasMessageNotContaining("leaked");
  }

  @Test
  void aLogLeftAsALinkByAnEarlierAttemptIsNeitherTruncatedNorWrittenThrough() throws Exception {
    Files.createDirectories(out.resolve("logs"));
    Files.createSymbolicLink(out.resolve("logs/processor.log"), outsideFile);

    assertThatThrownBy(() -> run("echo output"))
        .isInstanceOf(ProcessingException.class)
        .hasMessageContaining("logs/processor.log is a symbolic link");
    assertNothingOutsideChanged();
  }

  @Test
  void aLogsDirectoryLeftAsALinkByAnEarlierAttemptIsNotWrittenThrough() throws Exception {
    Files.createSymbolicLink(out.resolve("logs"), outsideDir);

    assertThatThrownBy(() -> run("echo output"))
        .isInstanceOf(ProcessingException.class)
        .hasMessageContaining("logs is a symbolic link");
    assertNothingOutsideChanged();
  }

  @Test
  void stillImportsAPlainMetricsFileAndAppendsItsNotes() throws Exception {
    Result result = run("printf \"rows,2\\nbad\\n\" > metrics.csv; echo {} > results.json");

    assertThat(result.metrics()).hasSize(1);
    assertThat(result.resultFile()).isEqualTo("results.json");
    assertThat(log()).contains("storekeeper: metrics.csv line 2 skipped");
  }

  @Test
  void createsTheLogAgainWhenTheProcessorRemovedIt() throws Exception {
    run("rm logs/processor.log; echo oops > metrics.csv");

    assertThat(log()).startsWith("storekeeper: metrics.csv line 1 skipped");
  }

  /**
   * Runs {@code script} with {@code sh} in the output directory; {@code $1} is the file outside,
   * {@code $2} the directory outside, {@code $3} the output directory.
   */
  private Result run(String script) {
    String template =
        "sh -c '"
            + script
            + "' sh "
            + outsideFile.toAbsolutePath()
            + " "
            + outsideDir.toAbsolutePath()
            + " {output_dir}";
    return assertTimeoutPreemptively(
        NO_HANG,
        () ->
            new CommandProcessor(template, GENEROUS)
                .process(
                    new Request(UUID.randomUUID(), input, "input.csv", out),
                    (percent, step) -> {}));
  }

  private String log() throws IOException {
    return Files.readString(out.resolve("logs/processor.log"));
  }

  private void assertNothingOutsideChanged() throws IOException {
    assertThat(Files.readString(outsideFile)).isEqualTo(SECRET);
    try (Stream<Path> entries = Files.list(outsideDir)) {
      assertThat(entries.map(p -> p.getFileName().toString()).sorted().toList())
          .isEqualTo(List.of("metrics.csv", "results.json"));
    }
    assertThat(Files.readString(outsideDir.resolve("metrics.csv"))).isEqualTo(SECRET);
  }
}
