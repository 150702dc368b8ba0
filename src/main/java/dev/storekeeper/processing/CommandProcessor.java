package dev.storekeeper.processing;

import dev.storekeeper.jobs.MetricValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operator's {@code PROCESSOR_COMMAND} on an upload, without a shell.
 *
 * <p>The program runs in the output directory with stdin closed and stdout and stderr both in
 * {@code logs/processor.log}. A non-zero exit fails the job with the end of that log. Afterwards
 * the numeric lines of a {@code metrics.csv} it wrote become the job's metrics; lines that cannot
 * be read are noted at the end of the log instead.
 *
 * <p>On timeout or interrupt the whole process tree is stopped: first asked (SIGTERM), then, after
 * {@link #GRACE}, killed. The descendants are listed before anything is signalled, because once a
 * parent exits its children are re-parented and can no longer be found from here. A descendant that
 * detaches before that listing (double fork) escapes; containing those needs an OS-level mechanism
 * such as a cgroup or container around the command.
 */
public final class CommandProcessor implements JobProcessor {

  static final String LOG_FILE = "logs/processor.log";
  static final Duration GRACE = Duration.ofSeconds(2);
  private static final int TAIL_LINES = 20;
  private static final int TAIL_CHARS = 2000;

  private final CommandTemplate template;
  private final Duration timeout;

  /**
   * @param commandTemplate {@code PROCESSOR_COMMAND}, see {@link CommandTemplate} for its syntax
   * @param timeout a guard of its own; the caller enforces {@code PROCESSING_TIMEOUT} as well
   * @throws IllegalArgumentException if the template cannot be parsed or the timeout is not
   *     positive
   */
  public CommandProcessor(String commandTemplate, Duration timeout) {
    this.template = CommandTemplate.parse(commandTemplate);
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("command timeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return "command";
  }

  @Override
  public Result process(Request request, ProgressListener progress)
      throws ProcessingException, InterruptedException {
    Path outputDir = request.outputDir();
    Path log = outputDir.resolve(LOG_FILE);
    List<String> command =
        template.render(
            request.input().toAbsolutePath().toString(), outputDir.toAbsolutePath().toString());
    Process process;
    try {
      Files.createDirectories(log.getParent());
      process =
          new ProcessBuilder(command)
              .directory(outputDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new ProcessingException(
          "could not start processor command " + command.get(0) + ": " + e.getMessage(), e);
    }
    boolean exited = false;
    try {
      closeStdin(process);
      progress.update(0, "running command");
      exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } finally {
      // Interrupted, timed out, or the listener threw: nothing may outlive this call.
      if (!exited) {
        destroyTree(process);
      }
    }
    if (!exited) {
      throw new ProcessingException(
          "processor timed out after " + describe(timeout) + " and was killed");
    }
    int exitCode = process.exitValue();
    if (exitCode != 0) {
      throw new ProcessingException("processor exited with code " + exitCode + ": " + tail(log));
    }
    progress.update(95, "importing metrics");
    List<MetricValue> metrics = importMetrics(outputDir, log);
    String resultFile =
        Files.isRegularFile(outputDir.resolve(ProfileProcessor.RESULT_FILE))
            ? ProfileProcessor.RESULT_FILE
            : null;
    progress.update(100, "done");
    return new Result(metrics, resultFile);
  }

  /** A program that reads stdin sees end of input instead of waiting forever. */
  private static void closeStdin(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // The program already exited or closed its end; nothing is waiting for input.
    }
  }

  private static void destroyTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    boolean interrupted = false;
    try {
      process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    process.descendants().forEach(tree::add);
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try {
      // Reap our own child so its exit is final when the caller goes on to clean up.
      process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<MetricValue> importMetrics(Path outputDir, Path log)
      throws ProcessingException {
    Path csv = outputDir.resolve(MetricsCsv.FILE_NAME);
    if (!Files.isRegularFile(csv)) {
      return List.of();
    }
    try {
      MetricsCsv.Parsed parsed = MetricsCsv.parse(csv);
      if (!parsed.notes().isEmpty()) {
        StringBuilder notes = new StringBuilder();
        parsed.notes().forEach(note -> notes.append("storekeeper: ").append(note).append('\n'));
        Files.writeString(
            log,
            notes,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      return parsed.metrics();
    } catch (IOException e) {
      throw new ProcessingException(
          "could not read " + MetricsCsv.FILE_NAME + " written by the processor: " + e, e);
    }
  }

  /** The last lines of the log, short enough for a job's error message. */
  static String tail(Path log) {
    try (SeekableByteChannel channel = Files.newByteChannel(log)) {
      // Four bytes per character covers TAIL_CHARS even for the widest UTF-8.
      long start = Math.max(0, channel.size() - 4L * TAIL_CHARS);
      ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
      channel.position(start);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {}
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
      List<String> lines = text.strip().lines().toList();
      String last =
          String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
      if (last.length() > TAIL_CHARS) {
        last = "..." + last.substring(last.length() - TAIL_CHARS);
      }
      return last.isEmpty() ? "(no output)" : last;
    } catch (IOException | UncheckedIOException e) {
      return "(" + LOG_FILE + " could not be read: " + e.getMessage() + ")";
    }
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }
}
