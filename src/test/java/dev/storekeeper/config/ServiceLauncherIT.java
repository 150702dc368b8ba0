package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/storekeeper (issue 15): the service started from the unpacked jar with the class archive that
 * {@code mvn package} prepared, as a real process, up to {@code /health}.
 */
class ServiceLauncherIT {

  @TempDir Path scratch;

  private static Path root() {
    return ServiceProcess.jar().getParent().getParent();
  }

  private static Path launcher() {
    return root().resolve("bin/storekeeper");
  }

  private Map<String, String> env(String... more) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("DATA_DIR", scratch.resolve("data").toString());
    env.put("SERVER_PORT", "0");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  @Test
  void startsTheServiceFromTheArchiveTheBuildPrepared() throws IOException {
    Path archives = root().resolve("target/service-cds");
    List<Path> before = listing(archives);

    try (ServiceProcess service =
        ServiceProcess.launch(scratch, env(), List.of(launcher().toString()))) {
      int port = service.awaitPort();
      Http.Response health = new Http(port).get("/health");
      List<String> command = service.commandLine();

      assertThat(health.status()).as(health.body()).isEqualTo(200);
      assertThat(command)
          .as("the JVM runs the unpacked jar with its archive")
          .anySatisfy(arg -> assertThat(arg).matches("-XX:(SharedArchiveFile|AOTCache)=.*"))
          .anySatisfy(arg -> assertThat(arg).contains("target/service-cds/").endsWith(".jar"));
    }
    assertThat(listing(archives)).as("nothing prepared by the start").isEqualTo(before);
  }

  @Test
  void runsTheJarAsItIsWhenArchivesAreOff() {
    try (ServiceProcess service =
        ServiceProcess.launch(
            scratch, env("STOREKEEPER_CDS", "off"), List.of(launcher().toString()))) {
      service.awaitPort();

      assertThat(service.commandLine())
          .contains(ServiceProcess.jar().toString())
          .noneSatisfy(arg -> assertThat(arg).startsWith("-XX:SharedArchiveFile"))
          .noneSatisfy(arg -> assertThat(arg).startsWith("-XX:AOTCache"));
    }
  }

  @Test
  void refusesAnArchiveModeItDoesNotKnowNamingIt() throws InterruptedException {
    try (ServiceProcess service =
        ServiceProcess.launch(
            scratch, env("STOREKEEPER_CDS", "sometimes"), List.of(launcher().toString()))) {
      Duration limit = Duration.ofSeconds(30);
      ServiceProcess.Exited exited = service.awaitExit(limit);

      assertThat(exited.exitCode()).isEqualTo(2);
      assertThat(exited.output()).contains("STOREKEEPER_CDS", "on, off or prepare", "sometimes");
    }
  }
}
