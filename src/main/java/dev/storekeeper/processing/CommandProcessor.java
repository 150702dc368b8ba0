package dev.storekeeper.processing;

import dev.storekeeper.jobs.MetricValue;
import dev.storekeeper.storage.OutputDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator's {@code PROCESSOR_COMMAND} on an upload, without a shell.
 *
 * <p>The program runs in the output directory with stdin closed, stdout and stderr both in {@code
 * logs/processor.log}, and an environment of its own ({@link ProcessorEnvironment}): none of the
 * service's secrets. A non-zero exit fails the job with the end of that log. Afterwards the numeric
 * lines of a {@code metrics.csv} it wrote become the job's metrics; lines that cannot be read are
 * noted at the end of the log instead.
 *
 * <p>Everything the program left is read through {@link OutputDirectory}: a {@code metrics.csv},
 * {@code results.json} or {@code logs/processor.log} that is a symbolic link, a FIFO or a hard link
 * is not read, not appended to and not named as the result, and a note says so; an output directory
 * the program replaced with a link fails the job.
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

  private static final Logger log = LoggerFactory.getLogger(CommandProcessor.class);

  private final CommandTemplate template;
  private final Duration timeout;
  private final Map<String, String> environment;

  /**
   * @param commandTemplate {@code PROCESSOR_COMMAND}, see {@link CommandTemplate} for its syntax
   * @param timeout a guard of its own; the caller enforces {@code PROCESSING_TIMEOUT} as well
   * @throws IllegalArgumentException if the template cannot be parsed or the timeout is not
   *     positive
   */
  public CommandProcessor(String commandTemplate, Duration timeout) {
    this(commandTemplate, timeout, ProcessorEnvironment.parse(null).select(System.getenv()));
  }

  /**
   * @param environment the child's whole environment, see {@link ProcessorEnvironment#select}
   */
  CommandProcessor(String commandTemplate, Duration timeout, Map<String, String> environment) {
    this.template = CommandTemplate.parse(commandTemplate);
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("command timeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
    this.environment = Map.copyOf(environment);
  }

  @Override
  public String name() {
    return "command";
  }

  @Override
  public Result process(Request request, ProgressListener progress)
      throws ProcessingException, InterruptedException {
    Path outputDir = request.outputDir();
    Path logFile = prepareLog(outputDir);
    List<String> command =
        template.render(
            request.input().toAbsolutePath().toString(), outputDir.toAbsolutePath().toString());
    Process process;
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(outputDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      builder.environment().clear();
      builder.environment().putAll(environment);
      process = builder.start();
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
      throw new ProcessingException(
          "processor exited with code " + exitCode + ": " + tail(outputDir));
    }
    progress.update(95, "importing metrics");
    try (OutputDirectory out = OutputDirectory.open(outputDir)) {
      List<String> notes = new ArrayList<>();
      List<MetricValue> metrics = importMetrics(out, notes);
      String resultFile = resultFile(out, notes);
      appendNotes(out, notes, request.jobId());
      progress.update(100, "done");
      return new Result(metrics, resultFile);
    } catch (OutputDirectory.NotAPlainFileException e) {
      throw new ProcessingException(
          "processor output not read: " + e.getMessage() + "; it was left by the processor", e);
    } catch (IOException e) {
      throw new ProcessingException("could not read the processor's output: " + e, e);
    }
  }

  /**
   * Readies {@code logs/processor.log} for the program's output. The redirect opens it by path, so
   * nothing left by an earlier attempt on the way may be a link: that would redirect the output,
   * truncating the link's target.
   */
  private static Path prepareLog(Path outputDir) throws ProcessingException {
    try {
      try {
        Files.createDirectory(outputDir.resolve(LOG_FILE).getParent());
      } catch (FileAlreadyExistsException e) {
        // checked below, without following anything
      }
      try (OutputDirectory out = OutputDirectory.open(outputDir)) {
        OutputDirectory.Entry log = out.inspect(LOG_FILE);
        if (log.kind() != OutputDirectory.Kind.MISSING && log.kind() != OutputDirectory.Kind.FILE) {
          throw new ProcessingException(
              "cannot log the processor's output: "
                  + log.describe()
                  + ", left in the output directory by an earlier attempt");
        }
      }
      return outputDir.resolve(LOG_FILE);
    } catch (OutputDirectory.NotAPlainFileException e) {
      throw new ProcessingException("cannot run the processor: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ProcessingException("cannot create " + LOG_FILE + ": " + e, e);
    }
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

  private static List<MetricValue> importMetrics(OutputDirectory out, List<String> notes)
      throws IOException {
    OutputDirectory.Entry csv = out.inspect(MetricsCsv.FILE_NAME);
    if (csv.kind() == OutputDirectory.Kind.MISSING) {
      return List.of();
    }
    try (SeekableByteChannel channel = out.read(MetricsCsv.FILE_NAME)) {
      MetricsCsv.Parsed parsed = MetricsCsv.parse(channel);
      notes.addAll(parsed.notes());
      return parsed.metrics();
    } catch (OutputDirectory.NotAPlainFileException e) {
      notes.add(e.getMessage() + "; no metrics imported");
      return List.of();
    }
  }

  private static String resultFile(OutputDirectory out, List<String> notes) throws IOException {
    OutputDirectory.Entry result = out.inspect(ProfileProcessor.RESULT_FILE);
    return switch (result.kind()) {
      case FILE -> ProfileProcessor.RESULT_FILE;
      case MISSING -> null;
      default -> {
        notes.add(result.describe() + "; the output directory is the job's result instead");
        yield null;
      }
    };
  }

  /**
   * Adds the notes to the end of the log, where the operator reads the program's own output; a log
   * that is not a plain file of the program's gets nothing, and the notes go to the service log.
   */
  private static void appendNotes(OutputDirectory out, List<String> notes, UUID jobId) {
    if (notes.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    notes.forEach(note -> text.append("storekeeper: ").append(note).append('\n'));
    try (SeekableByteChannel channel = out.append(LOG_FILE)) {
      ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      log.warn(
          "Job {}: notes on the processor's output not written to {} ({}): {}",
          jobId,
          LOG_FILE,
          e.getMessage(),
          String.join("; ", notes));
    }
  }

  /** The last lines of the log, short enough for a job's error message. */
  private static String tail(Path outputDir) {
    try (OutputDirectory out = OutputDirectory.open(outputDir);
        SeekableByteChannel channel = out.read(LOG_FILE)) {
      return tail(channel);
    } catch (OutputDirectory.NotAPlainFileException e) {
      return "(" + LOG_FILE + " not read: " + e.getMessage() + ")";
    } catch (IOException | UncheckedIOException e) {
      return "(" + LOG_FILE + " could not be read: " + e.getMessage() + ")";
    }
  }

  private static String tail(SeekableByteChannel channel) throws IOException {
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
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }
}
