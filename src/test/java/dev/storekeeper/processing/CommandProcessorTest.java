package dev.storekeeper.processing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.jobs.MetricValue;
import dev.storekeeper.processing.JobProcessor.Request;
import dev.storekeeper.processing.JobProcessor.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(OS.WINDOWS)
class CommandProcessorTest {

  private static final Duration GENEROUS = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Path input;
  private Path out;
  private final List<String> steps = new ArrayList<>();

  @BeforeEach
  void createInputAndOutputDir() throws IOException {
    Path uploads = Files.createDirectories(dir.resolve("my uploads"));
    input = Files.writeString(uploads.resolve("data file.csv"), "a,b\n1,2\n");
    out = Files.createDirectories(dir.resolve("out"));
  }

  @Test
  void isSelectedAsCommand() {
    assertThat(new CommandProcessor("true", GENEROUS).name()).isEqualTo("command");
  }

  @Test
  void succeedsWithNoMetricsAndNoResultFileWhenTheCommandWritesNeither() throws Exception {
    Result result = run("true");

    assertThat(result.metrics()).isEmpty();
    assertThat(result.resultFile()).isNull();
    assertThat(out.resolve("logs/processor.log")).exists();
    assertThat(steps).last().isEqualTo("done");
  }

  @Test
  void namesResultsJsonWhenTheCommandWritesIt() throws Exception {
    Result result = run("sh -c 'echo {} > results.json'");

    assertThat(result.resultFile()).isEqualTo("results.json");
  }

  @Nested
  class Arguments {

    @Test
    void passesSubstitutedPathsWithSpacesAsSingleArguments() throws Exception {
      run("sh -c 'printf \"%s\\n\" \"$@\" > args.txt' sh --in={input} {output_dir}");

      assertThat(Files.readAllLines(out.resolve("args.txt")))
          .containsExactly("--in=" + input.toAbsolutePath(), out.toAbsolutePath().toString());
    }

    @Test
    void givesTheCommandTheRealInputAndOutputDirectory() throws Exception {
      run("cp {input} {output_dir}/copy.csv");

      assertThat(out.resolve("copy.csv")).hasSameTextualContentAs(input);
    }

    @Test
    void runsInTheOutputDirectory() throws Exception {
      run("sh -c 'pwd -P > cwd.txt'");

      assertThat(Files.readString(out.resolve("cwd.txt")).strip())
          .isEqualTo(out.toRealPath().toString());
    }

    @Test
    void closesStandardInputSoReadersSeeItsEnd() throws Exception {
      run("sh -c 'cat > stdin.txt'");

      assertThat(out.resolve("stdin.txt")).isEmptyFile();
    }
  }

  @Nested
  class Failure {

    @Test
    void reportsTheExitCodeAndTheEndOfTheLog() throws Exception {
      assertThatThrownBy(() -> run("sh -c \"echo hi; echo oops >&2; exit 3\""))
          .isInstanceOf(ProcessingException.class)
          .hasMessageStartingWith("processor exited with code 3: ")
          .hasMessageContaining("hi")
          .hasMessageContaining("oops");
      assertThat(Files.readString(out.resolve("logs/processor.log"))).isEqualTo("hi\noops\n");
    }

    @Test
    void keepsOnlyTheLastLinesOfALongLog() throws Exception {
      String template =
          "sh -c 'i=1; while [ $i -le 500 ]; do echo line$i; i=$((i+1)); done; exit 1'";

      assertThatThrownBy(() -> run(template))
          .isInstanceOf(ProcessingException.class)
          .hasMessageContaining("line481\n")
          .hasMessageEndingWith("line500")
          .hasMessageNotContaining("line480\n");
    }

    @Test
    void capsTheLogTailInCharacters() throws Exception {
      String template =
          "sh -c 'i=0; while [ $i -lt 5 ]; do printf \"%0999d\\n\" 0; i=$((i+1)); done; exit 1'";

      assertThatThrownBy(() -> run(template))
          .isInstanceOf(ProcessingException.class)
          .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(2100));
    }

    @Test
    void saysSoWhenTheCommandPrintedNothing() throws Exception {
      assertThatThrownBy(() -> run("false"))
          .isInstanceOf(ProcessingException.class)
          .hasMessage("processor exited with code 1: (no output)");
    }

    @Test
    void reportsAProgramThatCannotBeStarted() throws Exception {
      assertThatThrownBy(() -> run("/nonexistent/analyse {input}"))
          .isInstanceOf(ProcessingException.class)
          .hasMessageContaining("could not start processor command /nonexistent/analyse");
    }
  }

  @Nested
  class Metrics {

    @Test
    void importsNumericLinesOfMetricsCsv() throws Exception {
      Result result =
          run(
              "sh -c 'printf \"name,value,unit\\nrows,42,count\\nscore, -0.5e1 \\nmean,3.25,ms\\n\""
                  + " > metrics.csv'");

      assertThat(result.metrics())
          .containsExactly(
              new MetricValue("rows", 42, "count"),
              new MetricValue("score", -5, null),
              new MetricValue("mean", 3.25, "ms"));
    }

    @Test
    void skipsMalformedLinesWithANoteInTheLog() throws Exception {
      Result result =
          run(
              "sh -c 'printf \"rows,42\\n"
                  + "just-a-name\\n"
                  + "ratio,abc,x\\n"
                  + "nan,NaN\\n"
                  + ",1\\n"
                  + "a,1,b,c\\n"
                  + "ok,7\\n"
                  + "\" > metrics.csv'");

      assertThat(result.metrics())
          .containsExactly(new MetricValue("rows", 42, null), new MetricValue("ok", 7, null));
      assertThat(Files.readString(out.resolve("logs/processor.log")))
          .contains("metrics.csv line 2 skipped")
          .contains("metrics.csv line 3 skipped: value \"abc\" is not a number")
          .contains("metrics.csv line 4 skipped")
          .contains("metrics.csv line 5 skipped: the name is empty")
          .contains("metrics.csv line 6 skipped");
    }

    @Test
    void ignoresMetricsOfAFailedCommand() throws Exception {
      assertThatThrownBy(() -> run("sh -c 'echo rows,1 > metrics.csv; exit 2'"))
          .isInstanceOf(ProcessingException.class)
          .hasMessageStartingWith("processor exited with code 2");
    }
  }

  @Nested
  class Stopping {

    // The shell records its own pid and that of a background child, then waits for the child.
    private static final String TREE =
        "sh -c 'sleep 300 & echo $! > child.pid; echo $$ > parent.pid; wait'";

    @Test
    void killsTheProcessTreeOnTimeout() throws Exception {
      CommandProcessor processor = new CommandProcessor(TREE, Duration.ofSeconds(1));

      assertThatThrownBy(() -> processor.process(request(), (percent, step) -> {}))
          .isInstanceOf(ProcessingException.class)
          .hasMessage("processor timed out after 1 s and was killed");

      assertTerminated(out.resolve("parent.pid"));
      assertTerminated(out.resolve("child.pid"));
    }

    @Test
    void killsTheProcessTreeWhenInterrupted() throws Exception {
      CommandProcessor processor = new CommandProcessor(TREE, GENEROUS);
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread worker =
          new Thread(
              () -> {
                try {
                  processor.process(request(), (percent, step) -> {});
                  outcome.complete(null);
                } catch (Throwable e) {
                  outcome.complete(e);
                }
              });
      worker.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> hasPid(out.resolve("parent.pid")));

      worker.interrupt();

      assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
      assertTerminated(out.resolve("parent.pid"));
      assertTerminated(out.resolve("child.pid"));
    }

    @Test
    void killsTheProcessTreeWhenReportingProgressFails() throws Exception {
      CommandProcessor processor = new CommandProcessor(TREE, GENEROUS);

      assertThatThrownBy(
              () ->
                  processor.process(
                      request(),
                      (percent, step) -> {
                        await()
                            .atMost(Duration.ofSeconds(10))
                            .until(() -> hasPid(out.resolve("parent.pid")));
                        throw new IllegalStateException("progress could not be stored");
                      }))
          .isInstanceOf(IllegalStateException.class);

      assertTerminated(out.resolve("parent.pid"));
      assertTerminated(out.resolve("child.pid"));
    }

    @Test
    void stopsAProgramThatIgnoresTheRequestToTerminate() throws Exception {
      CommandProcessor processor =
          new CommandProcessor(
              "sh -c 'trap \"\" TERM; echo $$ > parent.pid; while :; do :; done'",
              Duration.ofSeconds(1));

      assertThatThrownBy(() -> processor.process(request(), (percent, step) -> {}))
          .isInstanceOf(ProcessingException.class)
          .hasMessageContaining("timed out");

      assertTerminated(out.resolve("parent.pid"));
    }
  }

  @Nested
  class Construction {

    @Test
    void rejectsAnUnparsableTemplate() {
      assertThatThrownBy(() -> new CommandProcessor("tool 'unclosed", GENEROUS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unterminated single quote");
    }

    @Test
    void rejectsAMissingTemplate() {
      assertThatThrownBy(() -> new CommandProcessor(null, GENEROUS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PROCESSOR_COMMAND is empty");
    }

    @Test
    void rejectsANonPositiveTimeout() {
      assertThatThrownBy(() -> new CommandProcessor("true", Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeout must be positive");
    }
  }

  private Result run(String template) throws Exception {
    return new CommandProcessor(template, GENEROUS)
        .process(request(), (percent, step) -> steps.add(step));
  }

  private Request request() {
    return new Request(UUID.randomUUID(), input, "data file.csv", out);
  }

  private static boolean hasPid(Path pidFile) throws IOException {
    return Files.exists(pidFile) && Files.readString(pidFile, UTF_8).endsWith("\n");
  }

  /** Waits (bounded) for the recorded process to be gone; a kill takes effect asynchronously. */
  private static void assertTerminated(Path pidFile) throws Exception {
    assertThat(hasPid(pidFile)).as("%s was written", pidFile.getFileName()).isTrue();
    long pid = Long.parseLong(Files.readString(pidFile, UTF_8).strip());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
  }
}
