package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built jar ({@code -Dstorekeeper.jar}, set by failsafe) as a separate process, in a
 * scratch working directory (so no stray {@code .env} is read) with a clean environment: only what
 * a test passes, plus PATH, HOME and LC_ALL.
 */
final class CliProcess {

  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final Path workDir;
  private final Map<String, String> env = new LinkedHashMap<>();

  CliProcess(Path workDir) {
    this.workDir = workDir;
  }

  /** What a run printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr, Duration took) {
    @Override
    public String toString() {
      return "exit "
          + exitCode
          + " after "
          + took.toMillis()
          + " ms\n--- stdout:\n"
          + stdout
          + "\n--- stderr:\n"
          + stderr;
    }
  }

  static Path jar() {
    String jar = System.getProperty("storekeeper.jar");
    assertThat(jar).as("system property storekeeper.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(jar)).as("the packaged jar").exists();
    return Path.of(jar);
  }

  CliProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  CliProcess env(Map<String, String> values) {
    env.putAll(values);
    return this;
  }

  /** {@code java -jar storekeeper.jar <args>}: the jar as it was built. */
  Result java(String... args) {
    List<String> command = new ArrayList<>(JVM);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return run(command);
  }

  /** {@code java <jvmOptions> -jar storekeeper.jar <args>}, e.g. with a small heap. */
  Result javaWith(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>(JVM);
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return run(command);
  }

  /**
   * The built jar unpacked and started the way bin/cleanup-storage starts it (Spring Boot's {@code
   * extract} plus a class-data-sharing archive recorded by one training run), so that each of the
   * many processes of a suite starts in about a second instead of several.
   */
  Result unpacked(String... args) {
    List<String> command = new ArrayList<>(Unpacked.launcher());
    command.addAll(List.of(args));
    return run(command);
  }

  private static final List<String> JVM =
      List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC");

  /** Prepared once per test JVM, into target/cli-it/ (the jar may have been rebuilt since). */
  private static final class Unpacked {
    private static List<String> launcher;

    static synchronized List<String> launcher() {
      if (launcher == null) {
        launcher = prepare();
      }
      return launcher;
    }

    private static List<String> prepare() {
      try {
        Path dir = jar().getParent().resolve("cli-it");
        Path scratch = Files.createTempDirectory("cli-it-training");
        deleteTree(dir);
        CliProcess process = new CliProcess(scratch);
        List<String> extract = new ArrayList<>(JVM);
        extract.addAll(
            List.of(
                "-Djarmode=tools",
                "-jar",
                jar().toString(),
                "extract",
                "--destination",
                dir.toString()));
        assertThat(process.run(extract).exitCode()).as("extract %s", jar()).isZero();
        Path archive = dir.resolve("app.jsa");
        List<String> training = new ArrayList<>(JVM);
        training.addAll(
            List.of(
                "-XX:ArchiveClassesAtExit=" + archive,
                "-jar",
                dir.resolve("storekeeper.jar").toString(),
                "cleanup",
                "--dry-run",
                "--list"));
        Result trained = process.env("DATA_DIR", scratch.resolve("data").toString()).run(training);
        assertThat(trained.exitCode()).as("training run: %s", trained).isZero();
        deleteTree(scratch);
        List<String> launcher = new ArrayList<>(JVM);
        launcher.addAll(
            List.of(
                "-XX:SharedArchiveFile=" + archive,
                "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off",
                "-jar",
                dir.resolve("storekeeper.jar").toString()));
        return List.copyOf(launcher);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void deleteTree(Path root) throws IOException {
      if (!Files.exists(root)) {
        return;
      }
      try (var walk = Files.walk(root)) {
        for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  /**
   * Like {@link #unpacked}, but on a pseudo-terminal ({@code script} from util-linux gives the
   * command one for stdin, stdout and stderr), with {@code typed} fed to it as if typed. What the
   * command wrote to the terminal is in {@code stdout}.
   */
  Result onTerminal(String typed, String... args) {
    List<String> command = new ArrayList<>(Unpacked.launcher());
    command.addAll(List.of(args));
    StringBuilder line = new StringBuilder();
    for (String word : command) {
      line.append(line.length() == 0 ? "" : " ").append("'").append(word.replace("'", "'\\''"));
      line.append("'");
    }
    try {
      input = Files.createTempFile(workDir, "typed", ".txt");
      Files.writeString(input, typed);
      return run(List.of("script", "-qec", line.toString(), "/dev/null"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      input = null;
    }
  }

  /**
   * Starts {@link #unpacked} without waiting, stdout and stderr into files of the working
   * directory, for a test that kills it (SIGKILL: {@link Process#destroyForcibly}).
   */
  Process startUnpacked(String... args) {
    List<String> command = new ArrayList<>(Unpacked.launcher());
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(Files.createTempFile(workDir, "stdout", ".txt").toFile())
              .redirectError(Files.createTempFile(workDir, "stderr", ".txt").toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> environment = builder.environment();
      environment.clear();
      environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      environment.put("HOME", System.getProperty("java.io.tmpdir"));
      environment.put("LC_ALL", "C.UTF-8");
      environment.putAll(env);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the next command reads on stdin; nothing (/dev/null) when null. */
  private Path input;

  /** Any executable, e.g. bin/cleanup-storage. */
  Result exec(Path executable, String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    return run(command);
  }

  private Result run(List<String> command) {
    try {
      Path out = Files.createTempFile(workDir, "stdout", ".txt");
      Path err = Files.createTempFile(workDir, "stderr", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(
                  ProcessBuilder.Redirect.from(
                      input == null ? new java.io.File("/dev/null") : input.toFile()));
      Map<String, String> environment = builder.environment();
      environment.clear();
      environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      environment.put("HOME", System.getProperty("java.io.tmpdir"));
      environment.put("LC_ALL", "C.UTF-8");
      environment.putAll(env);
      long start = System.nanoTime();
      Process process = builder.start();
      boolean ended = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!ended) {
        process.destroyForcibly().waitFor();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      Result result =
          new Result(
              ended ? process.exitValue() : -1,
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8),
              took);
      Files.delete(out);
      Files.delete(err);
      assertThat(ended).as("%s ended within %s: %s", command, TIMEOUT, result).isTrue();
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
