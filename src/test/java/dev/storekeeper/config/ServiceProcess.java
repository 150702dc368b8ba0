package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The packaged service jar ({@code -Dstorekeeper.jar}, set by failsafe) run as its own process, the
 * way an operator starts it: {@code java -jar}, in a scratch working directory, with only the
 * environment a test gives (plus PATH and LC_ALL), and optionally under a given umask.
 */
final class ServiceProcess implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

  private final Process process;
  private final Path output;
  private final long startedNanos;

  private ServiceProcess(Process process, Path output, long startedNanos) {
    this.process = process;
    this.output = output;
    this.startedNanos = startedNanos;
  }

  /** How a run that was expected to end ended. */
  record Exited(int exitCode, String output, Duration took) {}

  static Path jar() {
    String jar = System.getProperty("storekeeper.jar");
    assertThat(jar).as("system property storekeeper.jar (set by failsafe)").isNotNull();
    return Path.of(jar).toAbsolutePath();
  }

  /** Starts {@code java -jar storekeeper.jar}; with {@code umask} non-null, under that umask. */
  static ServiceProcess start(Path workDir, Map<String, String> env, String umask) {
    List<String> command = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    if (umask != null) {
      command.addAll(List.of("sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\"", java));
    } else {
      command.add(java);
    }
    command.addAll(List.of("-jar", jar().toString()));
    return launch(workDir, env, command);
  }

  /** Starts {@code command} (a launcher, or a JVM) with only PATH, LC_ALL and {@code env}. */
  static ServiceProcess launch(Path workDir, Map<String, String> env, List<String> command) {
    try {
      Path output = Files.createTempFile(workDir, "service", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Map<String, String> environment = builder.environment();
      environment.clear();
      environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      environment.put("LC_ALL", "C.UTF-8");
      environment.putAll(env);
      long started = System.nanoTime();
      return new ServiceProcess(builder.start(), output, started);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the service to its end (a start that fails); at most {@code timeout}. */
  static Exited runToExit(Path workDir, Map<String, String> env, Duration timeout) {
    try (ServiceProcess service = start(workDir, env, null)) {
      return service.awaitExit(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the process to end, at most {@code timeout}. */
  Exited awaitExit(Duration timeout) throws InterruptedException {
    boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    assertThat(ended).as("ended within %s: %s", timeout, output()).isTrue();
    return new Exited(process.exitValue(), output(), took);
  }

  /** Waits for the web server and returns its port. */
  int awaitPort() {
    return Awaitility.await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              assertThat(process.isAlive()).as("service still running: %s", output()).isTrue();
              Matcher port = PORT.matcher(output());
              return port.find() ? Integer.parseInt(port.group(1)) : null;
            },
            port -> port != null);
  }

  /** The command line the process runs now (a launcher that execs the JVM shows the JVM's). */
  List<String> commandLine() {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
      return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
