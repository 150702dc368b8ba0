package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 7, case 8: every protected endpoint answers 401 without the admin token and 403 with a
 * wrong one, however the path is spelt; the token never appears in the log or in an answer; output
 * downloads cannot leave the job's directory. Runs on H2 and PostgreSQL through its subclasses.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class SecurityIT extends StorekeeperIT {

  static final String WRONG_TOKEN = "wrong-token-" + UUID.randomUUID();

  Http http;
  Fixtures fixtures;
  Path outside;
  final List<Http.Response> answers = new ArrayList<>();

  @BeforeEach
  void client() throws Exception {
    http = new Http(port);
    fixtures = new Fixtures(jdbc, layout);
    outside = Files.createTempDirectory("storekeeper-secret");
    Fixtures.write(outside.resolve("secret.txt"), "top secret");
  }

  @AfterEach
  void removeSecret() throws Exception {
    deleteTree(outside);
  }

  /** Method and path of every endpoint that needs the admin token. */
  static List<String[]> protectedEndpoints(UUID job) {
    return List.of(
        new String[] {"POST", "/cleanup/run"},
        new String[] {"POST", "/cleanup/run?dry_run=true"},
        new String[] {"GET", "/cleanup/stats"},
        new String[] {"GET", "/cleanup/stats/verify"},
        new String[] {"POST", "/cleanup/stats/repair"},
        new String[] {"GET", "/cleanup/runs"},
        new String[] {"GET", "/cleanup/runs/" + UUID.randomUUID()},
        new String[] {"GET", "/cleanup/runs/" + UUID.randomUUID() + "/items"},
        new String[] {"DELETE", "/jobs/" + job},
        new String[] {"PUT", "/jobs/" + job + "/hold"},
        new String[] {"DELETE", "/jobs/" + job + "/hold"},
        new String[] {"GET", "/holds"},
        new String[] {"POST", "/cleanup/plans"},
        new String[] {"GET", "/cleanup/plans/" + UUID.randomUUID()},
        new String[] {"POST", "/cleanup/plans/" + UUID.randomUUID() + "/apply"},
        new String[] {"GET", "/cleanup/forecast"},
        new String[] {"POST", "/cleanup/run?capacity=true&dry_run=true"},
        new String[] {"GET", "/actuator"},
        new String[] {"GET", "/actuator/prometheus"},
        new String[] {"GET", "/actuator/metrics"},
        new String[] {"GET", "/actuator/info"});
  }

  /** Other spellings of protected paths: refused, or not found; never served. */
  static List<String[]> oddSpellings(UUID job) {
    return List.of(
        new String[] {"DELETE", "/jobs/" + job + "/"},
        new String[] {"DELETE", "/jobs/" + job + ";x=1"},
        new String[] {"DELETE", "/jobs/" + job.toString().toUpperCase()},
        new String[] {"DELETE", "//jobs/" + job},
        new String[] {"POST", "/cleanup/run/"},
        new String[] {"POST", "/cleanup//run"},
        new String[] {"POST", "/cleanup/./run"},
        new String[] {"POST", "/cleanup;x=1/run"},
        new String[] {"POST", "/jobs/../cleanup/run"},
        new String[] {"POST", "/%63leanup/run"},
        new String[] {"POST", "/CLEANUP/run"},
        new String[] {"GET", "/cleanup"},
        new String[] {"GET", "/actuator/prometheus/"},
        new String[] {"GET", "/actuator/env"},
        new String[] {"GET", "/actuator/heapdump"});
  }

  Http.Response send(String method, String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .method(method, HttpRequest.BodyPublishers.noBody());
    Http.Response response = http.send(request, headers);
    answers.add(response);
    return response;
  }

  @Test
  void everyProtectedEndpointRefusesAMissingOrWrongTokenAndNeverServesIt() {
    CreatedJob job =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).metrics(1).create();

    for (String[] endpoint : protectedEndpoints(job.id())) {
      String what = endpoint[0] + " " + endpoint[1];
      int anonymous = send(endpoint[0], endpoint[1]).status();
      int wrong = send(endpoint[0], endpoint[1], "Authorization", "Bearer " + WRONG_TOKEN).status();
      int basic =
          send(endpoint[0], endpoint[1], "Authorization", "Basic YWRtaW46YWRtaW4=").status();
      int empty = send(endpoint[0], endpoint[1], "Authorization", "Bearer ").status();
      // the firewall may reject an odd spelling outright (400); it must never reach a handler
      assertThat(anonymous).as(what).isIn(400, 401);
      assertThat(basic).as(what).isIn(400, 401);
      assertThat(wrong).as(what).isIn(400, 403);
      assertThat(empty).as(what).isIn(400, 401, 403);
    }
    for (String[] endpoint : oddSpellings(job.id())) {
      String what = endpoint[0] + " " + endpoint[1];
      assertThat(send(endpoint[0], endpoint[1]).status()).as(what).isBetween(400, 405);
      assertThat(send(endpoint[0], endpoint[1], "Authorization", "Bearer " + WRONG_TOKEN).status())
          .as(what)
          .isBetween(400, 405);
    }
    assertThat(fixtures.intact(job)).isTrue();
    assertThat(jdbc.sql("select count(*) from cleanup_runs").query(Long.class).single()).isZero();
  }

  @Test
  void aPathTheFirewallRefusesGetsAProblemDocumentThatDoesNotEchoIt() {
    for (String path :
        List.of("//jobs", "/jobs;x=1", "/jobs/%2e%2e/cleanup", "/cleanup/%2E/run", "/x/..;/jobs")) {
      Http.Response answer = send("GET", path, "Authorization", "Bearer " + ADMIN_TOKEN);
      assertThat(answer.status()).as(path).isEqualTo(400);
      assertThat(answer.header("Content-Type")).as(path).startsWith("application/problem+json");
      assertThat(answer.body())
          .as(path)
          .contains("\"title\":\"Invalid request\"", "not allowed")
          .doesNotContain(path);
    }
  }

  @Test
  void theRightTokenPassesAndIsCaseInsensitiveInTheSchemeOnly() {
    assertThat(
            send("GET", "/actuator/prometheus", "Authorization", "Bearer " + ADMIN_TOKEN).status())
        .isEqualTo(200);
    assertThat(
            send("GET", "/actuator/prometheus", "Authorization", "bearer " + ADMIN_TOKEN).status())
        .isEqualTo(200);
    assertThat(
            send("GET", "/actuator/prometheus", "Authorization", "Bearer " + ADMIN_TOKEN + "x")
                .status())
        .isEqualTo(403);
    assertThat(
            send(
                    "GET",
                    "/actuator/prometheus",
                    "Authorization",
                    "Bearer " + ADMIN_TOKEN.toUpperCase())
                .status())
        .isEqualTo(403);
  }

  @Test
  void theTokenNeverAppearsInTheLogOrInAnyAnswer(CapturedOutput log) {
    CreatedJob job = fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    String right = "Bearer " + ADMIN_TOKEN;
    String wrong = "Bearer " + WRONG_TOKEN;
    List<String[]> everything = new ArrayList<>(protectedEndpoints(job.id()));
    everything.addAll(oddSpellings(job.id()));
    for (String[] endpoint : everything) {
      send(endpoint[0], endpoint[1], "Authorization", right);
      send(endpoint[0], endpoint[1], "Authorization", wrong);
    }
    // error paths with a token attached: bad parameters, unknown ids, malformed ids, bad bodies
    send("POST", "/cleanup/run?completed_days=-1", "Authorization", right);
    send("POST", "/cleanup/run?completed_days=" + ADMIN_TOKEN, "Authorization", wrong);
    send("GET", "/cleanup/runs/not-a-uuid", "Authorization", right);
    send("DELETE", "/jobs/not-a-uuid", "Authorization", right);
    send("GET", "/jobs/" + UUID.randomUUID(), "Authorization", right);
    send("GET", "/jobs?limit=x", "Authorization", wrong);
    send("POST", "/upload", "Authorization", right, "Content-Type", "multipart/form-data");

    assertThat(answers).isNotEmpty();
    for (Http.Response answer : answers) {
      assertThat(answer.status()).isLessThan(500);
      assertThat(answer.body()).doesNotContain(WRONG_TOKEN);
    }
    assertThat(answers.subList(0, answers.size() - 7))
        .allSatisfy(answer -> assertThat(answer.body()).doesNotContain(ADMIN_TOKEN));
    assertThat(log.getAll()).doesNotContain(ADMIN_TOKEN).doesNotContain(WRONG_TOKEN);
  }

  @Test
  void outputDownloadsCannotEscapeThroughEncodingsAbsolutePathsOrLinks() throws Exception {
    CreatedJob job = fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    CreatedJob other = fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    Files.createSymbolicLink(job.outputDir().resolve("linked-dir"), outside);
    Files.createSymbolicLink(job.outputDir().resolve("visualizations/up"), layout.outputsRoot());
    Files.createSymbolicLink(job.outputDir().resolve("root"), Path.of("/"));
    String base = "/jobs/" + job.id() + "/outputs/";

    for (String path :
        List.of(
            "linked-dir/secret.txt",
            "visualizations/up/" + other.id() + "/results.json",
            "root/etc/hostname",
            "/etc/hostname",
            "//etc/hostname",
            "%2Fetc%2Fhostname",
            "%2e%2e/%2e%2e/%2e%2e/etc/hostname",
            ".%2e/" + other.id() + "/results.json",
            "%252e%252e/" + other.id() + "/results.json",
            "..%5c" + other.id() + "%5cresults.json",
            "results.json%00.png",
            "visualizations/%2e%2e/%2e%2e/" + other.id() + "/results.json")) {
      Http.Response response = http.get(base + path);
      assertThat(response.status()).as(path).isBetween(400, 404);
      assertThat(response.body())
          .as(path)
          .doesNotContain("top secret")
          .doesNotContain("{\"ok\":true}");
    }
    Http.Response listing = http.get(base);
    assertThat(listing.status()).isEqualTo(200);
    assertThat(listing.body()).doesNotContain("secret.txt").doesNotContain("hostname");
  }

  @Test
  void anOutputDirectoryThatIsItselfALinkServesNothingFromItsTarget() throws Exception {
    CreatedJob job = fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant()).create();
    deleteTree(job.outputDir());
    Files.createSymbolicLink(job.outputDir(), outside);
    String base = "/jobs/" + job.id() + "/outputs/";

    Http.Response download = http.get(base + "secret.txt");
    Http.Response listing = http.get(base);

    assertThat(download.status()).isEqualTo(404);
    assertThat(download.body()).doesNotContain("top secret");
    assertThat(listing.status()).isEqualTo(200);
    assertThat(listing.body()).doesNotContain("secret.txt");
  }
}
