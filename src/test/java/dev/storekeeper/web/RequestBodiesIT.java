package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.RawHttp;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11, section 6: a body sent to an endpoint that takes its parameters from the query string
 * is refused before it is read, with a 415 saying where the parameters go, so that {@code
 * {"dry_run": true}} can never be ignored into a real cleanup. Form-encoded bodies are refused the
 * same way. Runs on H2 and PostgreSQL through its subclasses.
 */
abstract class RequestBodiesIT extends StorekeeperIT {

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

  long runs() {
    return jdbc.sql("select count(*) from cleanup_runs").query(Long.class).single();
  }

  RawHttp.Response send(String method, String target, String contentType, String body) {
    RawHttp.Request request = raw.request(method, target).header("Authorization", ADMIN);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return request.body(body).send();
  }

  @Test
  void aJsonOrFormBodyOnTheCleanupRunIs415AndRunsNothing() {
    List<String[]> bodies =
        List.of(
            new String[] {"application/json", "{\"dry_run\": true}"},
            new String[] {"application/json", "{\"dry_run\": false, \"completed_days\": 0}"},
            new String[] {"application/x-www-form-urlencoded", "dry_run=true"},
            new String[] {"application/x-www-form-urlencoded", "dry_run=false"},
            new String[] {"text/plain", "dry_run=true"},
            new String[] {null, "{\"dry_run\": true}"},
            new String[] {"multipart/form-data; boundary=x", "--x\r\n\r\n--x--\r\n"});
    for (String target : List.of("/cleanup/run", "/cleanup/run?dry_run=true", "/cleanup/run?")) {
      for (String[] body : bodies) {
        RawHttp.Response answer = send("POST", target, body[0], body[1]);

        String what = target + " " + body[0] + " " + body[1];
        assertThat(answer.status()).as(what).isEqualTo(415);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = answer.json();
        assertThat(problem.get("type").asText()).isEqualTo("/problems/body-not-accepted");
        assertThat(problem.get("detail").asText())
            .contains("POST /cleanup/run takes no request body")
            .contains("query string")
            .contains("dry_run");
        assertThat(problem.get("parameters").toString())
            .contains("\"dry_run\"", "\"completed_days\"");
      }
    }

    assertThat(runs()).isZero();
    assertThat(fixtures.intact(expired)).isTrue();
  }

  @Test
  void aChunkedBodyIsRefusedLikeOneWithALength() {
    RawHttp.Response answer =
        raw.request("POST", "/cleanup/run")
            .header("Authorization", ADMIN)
            .header("Content-Type", "application/json")
            .body("{\"dry_run\": true}")
            .chunked()
            .send();

    assertThat(answer.status()).isEqualTo(415);
    assertThat(runs()).isZero();
    assertThat(fixtures.intact(expired)).isTrue();
  }

  @Test
  void everyEndpointWithoutABodyRefusesOneNamingItsParameters() {
    String job = "/jobs/" + pending.id();
    List<String[]> endpoints =
        List.of(
            new String[] {"GET", "/jobs", "limit, skip, status"},
            new String[] {"GET", job, "no parameters"},
            new String[] {"GET", "/metrics?job_id=" + pending.id(), "job_id"},
            new String[] {"GET", job + "/outputs/", null},
            new String[] {"POST", job + "/cancel", "no parameters"},
            new String[] {"DELETE", "/jobs/" + expired.id(), "no parameters"},
            new String[] {"GET", "/cleanup/stats", "scan"},
            new String[] {"GET", "/cleanup/stats/verify", "no parameters"},
            new String[] {"POST", "/cleanup/stats/repair", "no parameters"},
            new String[] {"GET", "/cleanup/runs", "limit, offset"},
            new String[] {"GET", "/cleanup/forecast", "days"},
            new String[] {"POST", "/cleanup/plans", "cancelled_days"},
            new String[] {"POST", "/cleanup/plans/" + pending.id() + "/apply", "force"},
            new String[] {"GET", "/holds", "limit, offset"},
            new String[] {"DELETE", job + "/hold", "no parameters"},
            new String[] {"GET", "/health", "no parameters"},
            new String[] {"GET", "/nowhere", null});
    for (String[] endpoint : endpoints) {
      for (String type : new String[] {"application/json", "application/x-www-form-urlencoded"}) {
        RawHttp.Response answer = send(endpoint[0], endpoint[1], type, "status=failed&limit=1");

        String what = endpoint[0] + " " + endpoint[1] + " " + type;
        assertThat(answer.status()).as(what).isEqualTo(415);
        assertThat(answer.json().get("type").asText())
            .as(what)
            .isEqualTo("/problems/body-not-accepted");
        if (endpoint[2] != null) {
          assertThat(answer.json().get("detail").asText()).as(what).contains(endpoint[2]);
        }
      }
    }

    assertThat(
            jdbc.sql("select status from jobs where id = :id")
                .param("id", pending.id())
                .query(String.class)
                .single())
        .isEqualTo("pending");
    assertThat(fixtures.intact(expired)).isTrue();
    assertThat(runs()).isZero();
  }

  @Test
  void anEmptyBodyIsNoBodyAndTheQueryStringWorks() {
    RawHttp.Response dry =
        raw.request("POST", "/cleanup/run?dry_run=true")
            .header("Authorization", ADMIN)
            .header("Content-Type", "application/json")
            .declaredLength(0)
            .send();

    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("dry_run").asBoolean()).isTrue();
    assertThat(dry.json().get("completed_jobs").asLong()).isEqualTo(1);
    assertThat(fixtures.intact(expired)).isTrue();
  }
}
