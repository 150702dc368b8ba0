package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.RawHttp;
import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.storage.StorageLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 11, section 6, generated: requests of every shape (method, path, body, content type,
 * framing), all with the admin token and all with a body, never get a 5xx and never run a cleanup
 * or change a job, whatever the body says. jqwik cannot use Spring's test support, so the
 * application is started once for the class, on H2 in a temporary directory.
 */
class RequestShapesFuzzIT {

  private static final String ADMIN = "Bearer " + StorekeeperIT.ADMIN_TOKEN;

  private static RunningApp app;
  private static RawHttp raw;
  private static JdbcClient jdbc;
  private static CreatedJob expired;
  private static CreatedJob pending;

  /** One generated request. */
  record Shape(String method, String path, String contentType, byte[] body, boolean chunked) {
    @Override
    public String toString() {
      return method
          + " "
          + path
          + " ["
          + contentType
          + (chunked ? ", chunked" : "")
          + "] "
          + new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8);
    }
  }

  @BeforeContainer
  static void start() {
    app = RunningApp.start(RunningApp.onH2(RunningApp.tempDataDir("storekeeper-shapes")));
    raw = new RawHttp(app.port());
    jdbc = app.bean(JdbcClient.class);
    Fixtures fixtures = new Fixtures(jdbc, app.bean(StorageLayout.class));
    expired =
        fixtures
            .aJob(JobStatus.COMPLETED)
            .finishedAt(Instant.parse("2020-01-01T00:00:00Z"))
            .create();
    pending = fixtures.aJob(JobStatus.PENDING).create();
  }

  @AfterContainer
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Property(tries = 400)
  void aBodyWhereNoneBelongsNeverAnswers5xxOrChangesAnything(@ForAll("shapes") Shape shape) {
    RawHttp.Request request =
        raw.request(shape.method(), shape.path()).header("Authorization", ADMIN).body(shape.body());
    if (shape.contentType() != null) {
      request.header("Content-Type", shape.contentType());
    }
    RawHttp.Response answer = (shape.chunked() ? request.chunked() : request).send();

    Statistics.collect(answer.status());
    assertThat(answer.status()).as(shape + " -> " + answer.body()).isBetween(200, 499);
    assertThat(count("select count(*) from cleanup_runs")).as("a cleanup ran: " + shape).isZero();
    assertThat(count("select count(*) from jobs where id = '" + expired.id() + "'")).isEqualTo(1);
    assertThat(status(pending)).as(shape.toString()).isEqualTo("pending");
  }

  private static long count(String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }

  private static String status(CreatedJob job) {
    return jdbc.sql("select status from jobs where id = :id")
        .param("id", job.id())
        .query(String.class)
        .single();
  }

  @Provide
  Arbitrary<Shape> shapes() {
    Arbitrary<String> methods =
        Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "post", "FOO");
    Arbitrary<String> paths =
        Arbitraries.of(
            "/cleanup/run",
            "/cleanup/run?dry_run=true",
            "/cleanup/run?dry_run=false",
            "/cleanup/run/",
            "/cleanup/stats",
            "/cleanup/runs",
            "/jobs",
            "/jobs/",
            "/jobs/" + "{pending}",
            "/jobs/" + "{pending}" + "/cancel",
            "/jobs/" + "{expired}",
            "/jobs/" + "{pending}" + "/hold",
            "/jobs/" + "{expired}" + "/hold",
            "/holds",
            "/metrics?job_id=" + "{pending}",
            "/health",
            "/actuator/health",
            "/actuator/prometheus",
            "/openapi.json",
            "/error",
            "/problems/conflict",
            "/nowhere",
            "/%2e%2e/cleanup/run",
            "/cleanup%2Frun");
    Arbitrary<String> types =
        Arbitraries.of(
            "application/json",
            "application/json; charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=" + Multipart.BOUNDARY,
            "multipart/form-data",
            "text/plain",
            "application/octet-stream",
            "*/*",
            ";;;",
            "application/json; charset=nonsense");
    Arbitrary<byte[]> bodies =
        Arbitraries.oneOf(
            Arbitraries.of(
                    "{\"dry_run\": true}",
                    "{\"dry_run\": false, \"completed_days\": 0, \"include_unrecognized\": true}",
                    "dry_run=true",
                    "dry_run=false&completed_days=0&old_completed=true",
                    "[]",
                    "null",
                    "{")
                .map(text -> text.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.just(new Multipart().file(Multipart.csv(50)).bytes()),
            Arbitraries.strings()
                .ofMinLength(1)
                .ofMaxLength(200)
                .map(s -> s.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300));
    return Combinators.combine(
            methods,
            paths,
            Arbitraries.oneOf(types, Arbitraries.just(null)),
            bodies,
            Arbitraries.of(false, true))
        .as(
            (method, path, type, body, chunked) ->
                new Shape(
                    method,
                    path.replace("{pending}", pending.id().toString())
                        .replace("{expired}", expired.id().toString()),
                    type,
                    body,
                    chunked))
        // an upload with a valid body is the one request allowed to change something
        .filter(shape -> !shape.path().startsWith("/upload"));
  }
}
