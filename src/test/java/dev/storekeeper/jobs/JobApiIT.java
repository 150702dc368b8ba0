package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The job API through real HTTP, on H2 and PostgreSQL (subclasses). */
abstract class JobApiIT extends StorekeeperIT {

  Http http;

  @BeforeEach
  void client() {
    http = new Http(port);
  }

  private static byte[] csv() {
    return "subject,volume\nsub-01,1200.5\nsub-02,1180.25\n".getBytes(StandardCharsets.UTF_8);
  }

  private JsonNode awaitStatus(String id, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/jobs/" + id).json().get("status").asText().equals(status));
    return http.get("/jobs/" + id).json();
  }

  private List<Path> uploads() throws Exception {
    try (Stream<Path> files = Files.list(layout.uploadsRoot())) {
      return files.toList();
    }
  }

  @Test
  void uploadCreatesAJobThatIsProcessedIntoOutputsAndMetrics() throws Exception {
    Http.Response created = http.upload("file", "scan.csv", csv());

    assertThat(created.status()).isEqualTo(201);
    JsonNode body = created.json();
    String id = body.get("id").asText();
    assertThat(body.get("filename").asText()).isEqualTo("scan.csv");
    assertThat(body.get("status").asText()).isEqualTo("pending");
    assertThat(body.get("created_at").asText()).endsWith("Z");
    assertThat(created.header("Location")).isEqualTo("/jobs/" + id);
    assertThat(layout.uploadsRoot().resolve(id + "_scan.csv")).exists();

    JsonNode job = awaitStatus(id, "completed");
    assertThat(job.get("completed_at").isNull()).isFalse();
    assertThat(job.get("progress").asInt()).isEqualTo(100);
    assertThat(job.get("upload_bytes").asLong()).isEqualTo(csv().length);
    assertThat(job.get("output_bytes").asLong()).isPositive();
    assertThat(job.get("metrics").size()).isGreaterThanOrEqualTo(3);
    assertThat(layout.outputDir(UUID.fromString(id)).resolve("results.json")).exists();

    Http.Response metrics = http.get("/metrics?job_id=" + id);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.json().size()).isEqualTo(job.get("metrics").size());

    Http.Response outputs = http.get("/jobs/" + id + "/outputs");
    assertThat(outputs.status()).isEqualTo(200);
    assertThat(outputs.body()).contains("results.json", "metrics.csv", "size_bytes");
    Http.Response download = http.get("/jobs/" + id + "/outputs/results.json");
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.body()).contains("sha256");
  }

  @Test
  void uploadAlsoAnswersOnTheTrailingSlashPath() {
    Http.Response created =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/upload/")))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n")));
    assertThat(created.status()).isEqualTo(201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../../etc/passwd",
        "/abs/path/x.csv",
        "C:\\\\Users\\\\x\\\\evil.csv",
        "..",
        "a\u0001b\u001fc.csv",
        ".hidden"
      })
  void sanitisesHostileNamesAndKeepsTheStoredFileDirectlyInsideUploads(String name)
      throws Exception {
    Http.Response created = http.upload("file", name, csv());

    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    List<Path> stored =
        uploads().stream().filter(p -> p.getFileName().toString().startsWith(id + "_")).toList();
    assertThat(stored)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getParent()).isEqualTo(layout.uploadsRoot());
              assertThat(p.getFileName().toString())
                  .doesNotContain("..", "/", "\\")
                  .matches("[^\\p{Cntrl}]+");
            });
    assertThat(http.get("/jobs/" + id).json().get("filename").asText()).isNotBlank();
  }

  @Test
  void rejectsAnEmptyUploadWithoutWritingAnything() throws Exception {
    Http.Response response = http.upload("file", "empty.csv", new byte[0]);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.json().get("parameter").asText()).isEqualTo("file");
    assertThat(uploads()).isEmpty();
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
  }

  @Test
  void rejectsARequestWithoutAFilePart() throws Exception {
    Http.Response response = http.upload(null, "x.csv", csv());

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("parameter").asText()).isEqualTo("file");
    assertThat(uploads()).isEmpty();
  }

  @Test
  void rejectsAnOversizedUploadWith413AndLeavesNothingOnDisk() throws Exception {
    Http.Response response = http.upload("file", "big.bin", new byte[100_001]);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("detail").asText()).contains("MAX_UPLOAD_BYTES");
    assertThat(uploads()).isEmpty();
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
  }

  @Test
  void answers404ForAnUnknownJobAnd400ForAMalformedId() {
    assertThat(http.get("/jobs/" + UUID.randomUUID()).status()).isEqualTo(404);
    Http.Response malformed = http.get("/jobs/not-a-uuid");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("parameter").asText()).isEqualTo("id");
    assertThat(http.get("/metrics?job_id=nope").json().get("parameter").asText())
        .isEqualTo("job_id");
    assertThat(http.get("/metrics").status()).isEqualTo(400);
  }

  @Test
  void listsJobsNewestFirstWithPagingAndStatusFilter() {
    Fixtures fixtures = new Fixtures(jdbc, layout);
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    fixtures.aJob(JobStatus.FAILED).finishedAt(clock.instant()).create();
    fixtures.aJob(JobStatus.PENDING).create();

    assertThat(http.get("/jobs").json().size()).isEqualTo(3);
    assertThat(http.get("/jobs/").json().size()).isEqualTo(3);
    assertThat(http.get("/jobs?limit=2").json().size()).isEqualTo(2);
    assertThat(http.get("/jobs?skip=2&limit=2").json().size()).isEqualTo(1);
    JsonNode failed = http.get("/jobs?status=failed").json();
    assertThat(failed.size()).isEqualTo(1);
    assertThat(failed.get(0).get("status").asText()).isEqualTo("failed");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "limit=0",
        "limit=1001",
        "limit=abc",
        "skip=-1",
        "status=deleting",
        "status=bogus"
      })
  void rejectsBadListParametersNamingThem(String query) {
    Http.Response response = http.get("/jobs?" + query);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("parameter").asText())
        .isEqualTo(query.substring(0, query.indexOf('=')));
  }

  @Test
  void cancelsAPendingJobAndRefusesToCancelAFinishedOne() {
    Fixtures fixtures = new Fixtures(jdbc, layout);
    Fixtures.CreatedJob pending = fixtures.aJob(JobStatus.PENDING).create();
    Fixtures.CreatedJob completed =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();

    Http.Response cancelled = http.post("/jobs/" + pending.id() + "/cancel");
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.json().get("completed_at").isNull()).isFalse();

    Http.Response refused = http.post("/jobs/" + completed.id() + "/cancel");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void outputDownloadsCannotEscapeTheJobsDirectory() throws Exception {
    Fixtures fixtures = new Fixtures(jdbc, layout);
    Fixtures.CreatedJob job =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    Fixtures.CreatedJob other =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    Path secret = Files.createTempFile("storekeeper-secret", ".txt");
    Files.writeString(secret, "secret");
    Files.createSymbolicLink(job.outputDir().resolve("escape.txt"), secret);
    String base = "/jobs/" + job.id() + "/outputs/";

    for (String path :
        List.of(
            "../" + other.id() + "/results.json",
            "%2e%2e/" + other.id() + "/results.json",
            "..%2f..%2fuploads",
            "escape.txt",
            "%2Fetc%2Fpasswd",
            "visualizations/../../" + other.id() + "/results.json")) {
      Http.Response response = http.get(base + path);
      assertThat(response.status()).as(path).isBetween(400, 404);
      assertThat(response.body()).as(path).doesNotContain("secret").doesNotContain("\"ok\":true");
    }
    assertThat(http.get(base + "results.json").status()).isEqualTo(200);
    assertThat(http.get(base + "visualizations/overlays/slice_00.png").status()).isEqualTo(200);
  }

  /**
   * What a processor leaves is served only if it is a plain file of the job's own: a hard link to a
   * file elsewhere, a link to a directory outside, a FIFO (which would block the request thread)
   * are neither listed nor served (issue 11, section 2).
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void outputListingsAndDownloadsServeOnlyPlainFilesOfTheJobsOwn() throws Exception {
    Fixtures fixtures = new Fixtures(jdbc, layout);
    Fixtures.CreatedJob job =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    Path secret = Files.writeString(layout.dataDir().resolve("secret-" + job.id()), "secret");
    Path outsideDir = Files.createTempDirectory("storekeeper-outside");
    Files.writeString(outsideDir.resolve("inside.txt"), "secret");
    Files.createLink(job.outputDir().resolve("hardlink.txt"), secret);
    Files.createSymbolicLink(job.outputDir().resolve("dir-link"), outsideDir);
    Process fifo = new ProcessBuilder("mkfifo", job.outputDir().resolve("fifo").toString()).start();
    assertThat(fifo.waitFor()).isZero();
    String base = "/jobs/" + job.id() + "/outputs";

    Http.Response listing = http.get(base);

    assertThat(listing.status()).isEqualTo(200);
    assertThat(listing.json())
        .extracting(file -> file.path("path").asString())
        .containsExactlyInAnyOrder("results.json", "visualizations/overlays/slice_00.png");
    for (String path : List.of("hardlink.txt", "dir-link/inside.txt", "fifo", "visualizations")) {
      Http.Response response = http.get(base + "/" + path);
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).doesNotContain("secret");
    }
    Files.delete(secret);
  }

  @Test
  void aDownloadNamesItsFileForEveryClientWithoutBreakingTheHeader() throws Exception {
    Fixtures fixtures = new Fixtures(jdbc, layout);
    Fixtures.CreatedJob job =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    Fixtures.write(job.outputDir().resolve("r\u00e9sum\u00e9 \"final\".csv"), "a,b");

    Http.Response download =
        http.get(
            "/jobs/"
                + job.id()
                + "/outputs/"
                + java.net.URLEncoder.encode("r\u00e9sum\u00e9 \"final\".csv", "UTF-8")
                    .replace("+", "%20"));

    assertThat(download.status()).isEqualTo(200);
    assertThat(download.header("Content-Disposition"))
        .isEqualTo(
            "attachment; filename=\"r_sum_ _final_.csv\";"
                + " filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.csv");
  }

  @Test
  void healthReportsDatabaseAndStorageWithDetailsForTheAdmin() {
    Http.Response health = http.get("/health", "Authorization", "Bearer " + ADMIN_TOKEN);

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("UP");
    assertThat(health.body()).contains("storage", "db", "free_bytes");
  }

  @Test
  void aJobLeftRunningByADeadNodeIsRetriedAndCompletes() throws Exception {
    Http.Response created = http.upload("file", "scan.csv", csv());
    String id = created.json().get("id").asText();
    awaitStatus(id, "completed");
    leaveRunningOnADeadNode(id);

    JsonNode job = awaitStatus(id, "completed");

    assertThat(job.get("metrics").size()).isGreaterThanOrEqualTo(3);
    assertThat(
            jdbc.sql("select attempts from jobs where id = :id")
                .param("id", UUID.fromString(id))
                .query(Integer.class)
                .single())
        .isEqualTo(2);
  }

  /** Issue 11, section 2: an earlier attempt's processor may leave a link for the output dir. */
  @Test
  void aRetryNeverRunsInALinkLeftWhereTheOutputDirectoryBelongs() throws Exception {
    Http.Response created = http.upload("file", "scan.csv", csv());
    String id = created.json().get("id").asText();
    awaitStatus(id, "completed");
    Path outputDir = layout.outputDir(UUID.fromString(id));
    deleteTree(outputDir);
    Path elsewhere = Files.createTempDirectory(layout.dataDir().getParent(), "elsewhere");
    try {
      Files.createSymbolicLink(outputDir, elsewhere);
      leaveRunningOnADeadNode(id);

      JsonNode job = awaitStatus(id, "failed");

      assertThat(job.get("error_message").asText())
          .contains("output directory")
          .contains("symbolic link");
      assertThat(elsewhere).isEmptyDirectory();
      assertThat(Files.isSymbolicLink(outputDir)).isTrue();
    } finally {
      deleteTree(elsewhere);
    }
  }

  /** Makes it look as if a node picked the job up, marked it running, and died. */
  private void leaveRunningOnADeadNode(String id) {
    jdbc.sql("delete from metrics where job_id = :id").param("id", UUID.fromString(id)).update();
    jdbc.sql(
            "update jobs set status = 'running', completed_at = null, attempts = 1, progress = 40 where id = :id")
        .param("id", UUID.fromString(id))
        .update();
    jdbc.sql(
            """
        insert into scheduled_tasks (task_name, task_instance, execution_time, picked, picked_by,
                                     last_heartbeat, version)
        values ('process_job', :id, :past, true, 'dead-node', :past, 1)
        """)
        .param("id", id)
        .param("past", java.time.OffsetDateTime.now().minusHours(1))
        .update();
  }
}
