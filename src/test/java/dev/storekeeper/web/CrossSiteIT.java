package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.RawHttp;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, section 4: a web page of another origin cannot make a visitor's browser change anything
 * here (upload, cancel, delete, run a cleanup), and without CORS_ALLOWED_ORIGINS there is no CORS
 * at all. Requests from the service's own origin, and from clients that are not browsers, are not
 * affected. Runs on H2 and PostgreSQL through its subclasses.
 */
abstract class CrossSiteIT extends StorekeeperIT {

  static final String ADMIN = "Bearer " + ADMIN_TOKEN;

  RawHttp raw;
  Fixtures fixtures;
  CreatedJob expired;
  CreatedJob pending;

  @BeforeEach
  void store() {
    raw = new RawHttp(port);
    fixtures = new Fixtures(jdbc, layout);
    expired =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(400))).create();
    pending = fixtures.aJob(JobStatus.PENDING).create();
  }

  /** Every state-changing endpoint, as a request that would succeed if it were let through. */
  List<RawHttp.Request> stateChanging() {
    return List.of(
        raw.request("POST", "/upload")
            .header("Content-Type", Multipart.CONTENT_TYPE)
            .body(new Multipart().file(Multipart.csv(100)).bytes()),
        raw.request("POST", "/jobs/" + pending.id() + "/cancel"),
        raw.request("DELETE", "/jobs/" + expired.id()).header("Authorization", ADMIN),
        raw.request("POST", "/cleanup/run").header("Authorization", ADMIN),
        raw.request("PUT", "/jobs/" + pending.id()),
        raw.request("PATCH", "/jobs/" + pending.id()));
  }

  void assertNothingChanged() throws Exception {
    assertThat(status(pending)).isEqualTo("pending");
    assertThat(fixtures.intact(expired)).isTrue();
    assertThat(jdbc.sql("select count(*) from cleanup_runs").query(Long.class).single()).isZero();
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isEqualTo(2);
    try (Stream<java.nio.file.Path> uploads = Files.list(layout.uploadsRoot())) {
      assertThat(uploads).hasSize(2);
    }
  }

  String status(CreatedJob job) {
    return jdbc.sql("select status from jobs where id = :id")
        .param("id", job.id())
        .query(String.class)
        .single();
  }

  @Test
  void aForeignOriginIsRefusedOnEveryStateChangingEndpoint() throws Exception {
    List<UnaryOperator<RawHttp.Request>> foreign =
        List.of(
            r -> r.header("Origin", "https://evil.example"),
            r -> r.header("Origin", "null"),
            r -> r.header("Origin", "http://127.0.0.1:" + (port + 1)),
            r -> r.header("Origin", "https://127.0.0.1:" + port),
            r -> r.header("Origin", "http://localhost:" + port),
            r -> r.header("Origin", "http://127.0.0.1:" + port + "/"),
            r -> r.header("Origin", "not an origin"),
            r -> r.header("Sec-Fetch-Site", "cross-site"),
            r ->
                r.header("Origin", "http://127.0.0.1:" + port)
                    .header("Sec-Fetch-Site", "cross-site"));
    List<String> answers = new ArrayList<>();
    for (UnaryOperator<RawHttp.Request> how : foreign) {
      for (RawHttp.Request request : stateChanging()) {
        RawHttp.Response answer = how.apply(request).send();

        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.json().get("type").asText()).isEqualTo("/problems/cross-site-request");
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
        answers.add(answer.body());
      }
    }

    assertThat(answers).hasSize(54);
    assertNothingChanged();
  }

  @Test
  void theServicesOwnOriginAndClientsThatAreNotBrowsersAreAccepted() throws Exception {
    String own = "http://127.0.0.1:" + port;

    RawHttp.Response upload =
        raw.request("POST", "/upload")
            .header("Origin", own)
            .header("Sec-Fetch-Site", "same-origin")
            .header("Content-Type", Multipart.CONTENT_TYPE)
            .body(new Multipart().file(Multipart.csv(100)).bytes())
            .send();
    RawHttp.Response cancel =
        raw.request("POST", "/jobs/" + pending.id() + "/cancel")
            .header("Host", "LOCALHOST:" + port)
            .header("Origin", "http://localhost:" + port)
            .send();
    RawHttp.Response dryRun =
        raw.request("POST", "/cleanup/run?dry_run=true")
            .header("Authorization", ADMIN)
            .header("Origin", own)
            .header("Sec-Fetch-Site", "same-site")
            .send();
    RawHttp.Response delete =
        raw.request("DELETE", "/jobs/" + expired.id()).header("Authorization", ADMIN).send();

    assertThat(upload.status()).as(upload.body()).isEqualTo(201);
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    assertThat(status(pending)).isEqualTo("cancelled");
    assertThat(dryRun.status()).as(dryRun.body()).isEqualTo(200);
    assertThat(delete.status()).as(delete.body()).isEqualTo(200);
    assertThat(fixtures.gone(expired)).isTrue();
  }

  @Test
  void readingFromAnotherOriginIsAnsweredButWithoutCorsHeaders() {
    RawHttp.Response list =
        raw.request("GET", "/jobs").header("Origin", "https://evil.example").send();
    RawHttp.Response preflight =
        raw.request("OPTIONS", "/jobs/" + pending.id() + "/cancel")
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization")
            .send();

    assertThat(list.status()).isEqualTo(200);
    assertThat(list.header("Access-Control-Allow-Origin")).isNull();
    assertThat(preflight.status()).isEqualTo(403);
    assertThat(preflight.json().get("type").asText()).isEqualTo("/problems/cross-site-request");
    assertThat(preflight.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
  }
}
