package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.Undeletable;
import dev.storekeeper.jobs.JobStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11, section 4: no answer tells a client where the server keeps its files. Every JSON answer
 * of a whole upload, processing and cleanup flow is scanned for the data directory's absolute path
 * (as configured and as resolved); paths are shown relative to the data layout. The public health
 * answer shows statuses only. Runs on H2 and PostgreSQL through its subclasses.
 */
abstract class NoServerPathsIT extends StorekeeperIT {

  static final String[] ADMIN = {"Authorization", "Bearer " + ADMIN_TOKEN};

  @Autowired Environment environment;

  Http http;
  Fixtures fixtures;
  final List<String> answers = new ArrayList<>();

  @BeforeEach
  void client() {
    http = new Http(port);
    fixtures = new Fixtures(jdbc, layout);
    answers.clear();
  }

  /** Every absolute spelling of the data directories a leak could use. */
  Set<String> serverPaths() throws Exception {
    Set<String> paths = new LinkedHashSet<>();
    Path configured = Path.of(environment.getRequiredProperty("DATA_DIR"));
    paths.add(configured.toAbsolutePath().normalize().toString());
    paths.add(configured.toRealPath().toString());
    paths.add(layout.dataDir().toString());
    paths.add(layout.uploadsRoot().toString());
    paths.add(layout.outputsRoot().toString());
    return paths;
  }

  JsonNode get(String path, String... headers) {
    return keep(http.get(path, headers)).json();
  }

  Http.Response keep(Http.Response response) {
    assertThat(response.status()).as(response.body()).isLessThan(500);
    answers.add(response.body());
    return response;
  }

  @Test
  void noAnswerOfAWholeFlowContainsAnAbsolutePathOfTheDataDirectory() throws Exception {
    // an upload, processed
    Http.Response created =
        keep(http.upload("file", "scan.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)));
    String id = created.json().get("id").asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/jobs/" + id).json().get("status").asText().equals("completed"));
    JsonNode job = get("/jobs/" + id);
    assertThat(job.get("file_path").asText()).isEqualTo("uploads/" + id + "_scan.csv");
    assertThat(job.get("result_path").asText()).isEqualTo("outputs/" + id + "/results.json");
    get("/jobs");
    get("/jobs?status=completed");
    get("/metrics?job_id=" + id);
    get("/jobs/" + id + "/outputs/");

    // a failed job whose error quotes paths, one whose upload lies outside the data directories
    CreatedJob failed = fixtures.aJob(JobStatus.FAILED).finishedAt(clock.instant()).create();
    jdbc.sql("update jobs set error_message = :message where id = :id")
        .param("message", "I/O error: " + failed.upload() + ": No such file or directory")
        .param("id", failed.id())
        .update();
    assertThat(get("/jobs/" + failed.id()).get("error_message").asText())
        .isEqualTo(
            "I/O error: uploads/" + failed.upload().getFileName() + ": No such file or directory");
    CreatedJob imported = fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    jdbc.sql("update jobs set file_path = '/srv/imported/2024/scan.csv' where id = :id")
        .param("id", imported.id())
        .update();
    assertThat(get("/jobs/" + imported.id()).get("file_path").asText()).isEqualTo("scan.csv");

    // a cancelled job
    CreatedJob pending = fixtures.aJob(JobStatus.PENDING).create();
    keep(http.post("/jobs/" + pending.id() + "/cancel"));

    // everything expires; orphans and a foreign name are found; one output cannot be deleted
    fixtures.orphanUpload(clock.instant().minus(Duration.ofDays(3)));
    fixtures.orphanOutput(clock.instant().minus(Duration.ofDays(3)));
    Fixtures.write(layout.uploadsRoot().resolve("notes.txt"), "not ours");
    Fixtures.touch(layout.uploadsRoot().resolve("notes.txt"), clock.instant().minusSeconds(3600));
    CreatedJob stuck =
        fixtures
            .aJob(JobStatus.COMPLETED)
            .finishedAt(clock.instant().minus(Duration.ofDays(90)))
            .create();
    Undeletable locked = Undeletable.plantIn(stuck.outputDir().resolve("visualizations"));
    try {
      clock.advance(Duration.ofDays(400));
      JsonNode dry = keep(http.post("/cleanup/run?dry_run=true", ADMIN)).json();
      JsonNode real = keep(http.post("/cleanup/run", ADMIN)).json();
      JsonNode ledger = get("/cleanup/runs", ADMIN);
      String runId = real.get("run_id").asText();
      get("/cleanup/runs/" + runId, ADMIN);
      JsonNode items = get("/cleanup/runs/" + runId + "/items?limit=1000", ADMIN);
      get("/cleanup/stats", ADMIN);
      get("/cleanup/stats?scan=true", ADMIN);

      assertThat(dry.get("items_total").asLong()).isPositive();
      assertThat(real.get("outcome").asText()).isEqualTo("partial");
      assertThat(real.get("errors").size()).isPositive();
      assertThat(ledger.get("runs").size()).isEqualTo(2);
      assertThat(items.get("items"))
          .allSatisfy(
              item ->
                  assertThat(item.get("path").asText()).matches("(uploads|outputs)/.+|scan\\.csv"));
    } finally {
      locked.release();
    }
    CreatedJob toDelete = fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    keep(http.delete("/jobs/" + toDelete.id(), ADMIN));
    keep(http.get("/health"));
    keep(http.get("/actuator/health"));

    assertThat(answers).hasSizeGreaterThan(15);
    for (String path : serverPaths()) {
      assertThat(answers).allSatisfy(answer -> assertThat(answer).doesNotContain(path));
    }
  }

  @Test
  void publicHealthShowsStatusesOnlyAndTheAdminSeesTheDetails() throws Exception {
    for (String path : List.of("/health", "/actuator/health")) {
      Http.Response anonymous = http.get(path);
      Http.Response admin = http.get(path, ADMIN);

      assertThat(anonymous.status()).as(path).isEqualTo(200);
      JsonNode components = anonymous.json().get("components");
      assertThat(components.get("storage").get("status").asText()).isEqualTo("UP");
      assertThat(components.get("db").get("status").asText()).isEqualTo("UP");
      assertThat(anonymous.body())
          .as(path)
          .doesNotContain("details")
          .doesNotContain("free_bytes")
          .doesNotContain("total_bytes");
      for (String serverPath : serverPaths()) {
        assertThat(anonymous.body()).doesNotContain(serverPath);
      }
      assertThat(admin.json().get("components").get("storage").get("details").get("free_bytes"))
          .as(path)
          .isNotNull();
    }
  }
}
