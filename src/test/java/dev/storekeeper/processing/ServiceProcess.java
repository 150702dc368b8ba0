package dev.storekeeper.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built jar ({@code -Dstorekeeper.jar}, set by failsafe) started as the service in a process of
 * its own, with exactly the environment a test gives it: the only way to test what a processor sees
 * of the service's environment. Runs in {@code workDir}, so no stray {@code .env} is read.
 */
final class ServiceProcess implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern STARTED = Pattern.compile("started on port (\\d+)");

  private final Process process;
  private final Path output;

  private ServiceProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts the service with {@code environment} as its whole environment. */
  static ServiceProcess start(Path workDir, Map<String, String> environment) {
    String jar = System.getProperty("storekeeper.jar");
    assertThat(jar).as("system property storekeeper.jar (set by failsafe)").isNotNull();
    try {
      Path output = Files.createTempFile(workDir, "service", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-XX:TieredStopAtLevel=1",
                      "-XX:+UseSerialGC",
                      "-jar",
                      Path.of(jar).toAbsolutePath().toString()))
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().clear();
      builder.environment().putAll(environment);
      return new ServiceProcess(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the server listens and returns its port. */
  int awaitStarted() {
    await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> port() > 0 || !process.isAlive());
    assertThat(port()).as("the service started:\n%s", output()).isPositive();
    return port();
  }

  /** Waits for a service that must not start to exit, and returns its exit code. */
  int awaitExit() throws InterruptedException {
    boolean exited = process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(exited).as("the service exited:\n%s", output()).isTrue();
    return process.exitValue();
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int port() {
    Matcher matcher = STARTED.matcher(output());
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
