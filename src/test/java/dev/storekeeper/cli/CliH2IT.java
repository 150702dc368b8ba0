package dev.storekeeper.cli;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.cli.CliProcess.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CLI on the embedded database, which it shares with whoever has it open: H2's automatic mixed
 * mode ({@code AUTO_SERVER=TRUE}) lets the first process serve it to the others on loopback.
 */
class CliH2IT extends CliIT {

  @Override
  CliDatabase database(Path dataDir) {
    return CliDatabase.h2(dataDir);
  }

  @Test
  void runsWhileAnotherProcessHasTheDatabaseOpen() {
    CreatedJob old =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create());

    Result result =
        database.with(
            held -> {
              assertThat(held.fixtures().rowExists(old.id())).isTrue();
              return cleanup("--json");
            });

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(json(result).path("completed_jobs").asInt()).isEqualTo(1);
    assertThat(gone(old)).isTrue();
  }

  @Test
  void sharesTheDatabaseWithARunningService() throws Exception {
    CreatedJob old =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create());
    CreatedJob recent =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(1))).create());
    int port = freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                CliProcess.jar().toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(scratch.toFile())
            .redirectErrorStream(true)
            .redirectOutput(scratch.resolve("service.log").toFile());
    builder.environment().putAll(database.env());
    builder.environment().put("SERVER_PORT", String.valueOf(port));
    builder.environment().put("CLEANUP_ENABLED", "false");
    Process service = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      await("the service on port " + port)
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> status(http, port, "/health") == 200);

      Result cleanup = cleanup("--json");
      Result stats = stats("--json");

      assertThat(cleanup.exitCode()).as("%s", cleanup).isZero();
      assertThat(json(cleanup).path("completed_jobs").asInt()).isEqualTo(1);
      assertThat(stats.exitCode()).as("%s", stats).isZero();
      assertThat(status(http, port, "/jobs/" + old.id())).isEqualTo(404);
      assertThat(status(http, port, "/jobs/" + recent.id())).isEqualTo(200);
      assertThat(service.isAlive()).isTrue();
    } finally {
      service.destroy();
      if (!service.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor();
      }
    }
  }

  private static int status(HttpClient http, int port, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
