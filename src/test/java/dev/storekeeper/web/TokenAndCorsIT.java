package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.RawHttp;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 11, section 4, with API_TOKEN and CORS_ALLOWED_ORIGINS set: every job endpoint needs the
 * API token (or the admin token), which never grants the admin endpoints; health and the API
 * description stay public; the listed origins get CORS and pass the cross-site check, others do
 * not. Runs on H2 and PostgreSQL through its subclasses.
 */
@TestPropertySource(
    properties = {
      "API_TOKEN=" + TokenAndCorsIT.API_TOKEN,
      "CORS_ALLOWED_ORIGINS=https://app.example.com, http://localhost:3000"
    })
abstract class TokenAndCorsIT extends StorekeeperIT {

  static final String API_TOKEN = "client-token-for-tests-0123456789abcdefgh";
  static final String ALLOWED = "https://app.example.com";

  RawHttp raw;
  Fixtures fixtures;

  @BeforeEach
  void client() {
    raw = new RawHttp(port);
    fixtures = new Fixtures(jdbc, layout);
  }

  /** A job uploaded and processed through the API, so that every job endpoint has something. */
  String processedJob() {
    RawHttp.Response created = upload("Bearer " + API_TOKEN);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    Http http = new Http(port);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.get("/jobs/" + id, "Authorization", "Bearer " + API_TOKEN)
                    .json()
                    .get("status")
                    .asText()
                    .equals("completed"));
    return id;
  }

  RawHttp.Response upload(String authorization) {
    RawHttp.Request request =
        raw.request("POST", "/upload")
            .header("Content-Type", Multipart.CONTENT_TYPE)
            .body(new Multipart().file(Multipart.csv(100)).bytes());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.send();
  }

  RawHttp.Response send(String method, String target, String authorization) {
    if (target.equals("/upload")) {
      return upload(authorization);
    }
    RawHttp.Request request = raw.request(method, target);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.send();
  }

  @Test
  void everyJobEndpointNeedsTheApiTokenOrTheAdminToken() {
    String id = processedJob();
    CreatedJob pending = fixtures.aJob(JobStatus.PENDING).create();
    List<String[]> endpoints =
        List.of(
            new String[] {"POST", "/upload"},
            new String[] {"GET", "/jobs"},
            new String[] {"GET", "/jobs/"},
            new String[] {"GET", "/jobs?status=completed"},
            new String[] {"GET", "/jobs/" + id},
            new String[] {"GET", "/metrics?job_id=" + id},
            new String[] {"GET", "/jobs/" + id + "/outputs/"},
            new String[] {"GET", "/jobs/" + id + "/outputs/results.json"},
            new String[] {"POST", "/jobs/" + pending.id() + "/cancel"},
            new String[] {"GET", "/jobs/" + UUID.randomUUID()},
            new String[] {"GET", "/no-such-endpoint"});
    for (String[] endpoint : endpoints) {
      String what = endpoint[0] + " " + endpoint[1];
      RawHttp.Response none = send(endpoint[0], endpoint[1], null);
      RawHttp.Response wrong = send(endpoint[0], endpoint[1], "Bearer wrong-" + API_TOKEN);
      RawHttp.Response blank = send(endpoint[0], endpoint[1], "Bearer ");

      assertThat(none.status()).as(what).isEqualTo(401);
      assertThat(none.header("WWW-Authenticate")).as(what).isEqualTo("Bearer");
      assertThat(none.json().get("type").asText()).as(what).isEqualTo("/problems/unauthorized");
      assertThat(none.json().get("detail").asText()).as(what).contains("API_TOKEN");
      assertThat(wrong.status()).as(what).isEqualTo(403);
      assertThat(wrong.json().get("type").asText()).as(what).isEqualTo("/problems/forbidden");
      assertThat(blank.status()).as(what).isEqualTo(401);
    }
    assertThat(status(pending)).isEqualTo("pending");
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isEqualTo(2);

    for (String token : List.of(API_TOKEN, ADMIN_TOKEN)) {
      for (String[] endpoint : endpoints.subList(0, endpoints.size() - 2)) {
        if (endpoint[1].endsWith("/cancel")) {
          continue;
        }
        String what = token + " " + endpoint[0] + " " + endpoint[1];
        RawHttp.Response answer = send(endpoint[0], endpoint[1], "Bearer " + token);
        assertThat(answer.status()).as(what + ": " + answer.body()).isBetween(200, 299);
      }
      // the job is cancelled by the first token; the second finds it cancelled
      assertThat(send("POST", "/jobs/" + pending.id() + "/cancel", "Bearer " + token).status())
          .isIn(200, 409);
    }
    assertThat(status(pending)).isEqualTo("cancelled");
  }

  String status(CreatedJob job) {
    return jdbc.sql("select status from jobs where id = :id")
        .param("id", job.id())
        .query(String.class)
        .single();
  }

  @Test
  void theApiTokenNeverGrantsTheAdminEndpoints() {
    CreatedJob expired =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(400))).create();

    for (String[] endpoint : SecurityIT.protectedEndpoints(expired.id())) {
      String what = endpoint[0] + " " + endpoint[1];
      RawHttp.Response answer = send(endpoint[0], endpoint[1], "Bearer " + API_TOKEN);

      assertThat(answer.status()).as(what).isEqualTo(403);
      assertThat(answer.json().get("detail").asText())
          .as(what)
          .contains("API_TOKEN does not grant this endpoint");
    }
    assertThat(fixtures.intact(expired)).isTrue();
    assertThat(jdbc.sql("select count(*) from cleanup_runs").query(Long.class).single()).isZero();
  }

  @Test
  void healthTheApiDescriptionAndTheProblemTypesStayPublic() {
    for (String path :
        List.of(
            "/health",
            "/actuator/health",
            "/actuator/health/liveness",
            "/openapi.json",
            "/problems/unauthorized")) {
      assertThat(raw.request("GET", path).send().status()).as(path).isEqualTo(200);
    }
    assertThat(raw.request("GET", "/docs").send().status()).isEqualTo(302);
  }

  @Test
  void listedOriginsGetCorsAndPassTheCrossSiteCheck() {
    CreatedJob pending = fixtures.aJob(JobStatus.PENDING).create();
    String cancel = "/jobs/" + pending.id() + "/cancel";

    RawHttp.Response preflight =
        raw.request("OPTIONS", cancel)
            .header("Origin", ALLOWED)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization")
            .send();
    RawHttp.Response cancelled =
        raw.request("POST", cancel)
            .header("Origin", ALLOWED)
            .header("Sec-Fetch-Site", "cross-site")
            .header("Authorization", "Bearer " + API_TOKEN)
            .send();
    RawHttp.Response list =
        raw.request("GET", "/jobs")
            .header("Origin", "http://localhost:3000")
            .header("Authorization", "Bearer " + API_TOKEN)
            .send();

    assertThat(preflight.status()).as(preflight.body()).isEqualTo(200);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers"))
        .containsIgnoringCase("authorization");
    assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(status(pending)).isEqualTo("cancelled");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
  }

  @Test
  void otherOriginsGetNoCorsAndCannotChangeAnything() {
    CreatedJob pending = fixtures.aJob(JobStatus.PENDING).create();
    String cancel = "/jobs/" + pending.id() + "/cancel";

    for (String origin :
        List.of(
            "https://evil.example",
            "https://app.example.com.evil.example",
            "http://app.example.com",
            "https://app.example.com:8443")) {
      RawHttp.Response preflight =
          raw.request("OPTIONS", cancel)
              .header("Origin", origin)
              .header("Access-Control-Request-Method", "POST")
              .send();
      RawHttp.Response post =
          raw.request("POST", cancel)
              .header("Origin", origin)
              .header("Authorization", "Bearer " + API_TOKEN)
              .send();

      assertThat(preflight.status()).as(origin).isEqualTo(403);
      assertThat(preflight.header("Content-Type")).startsWith("application/problem+json");
      assertThat(preflight.header("Access-Control-Allow-Origin")).as(origin).isNull();
      assertThat(post.status()).as(origin).isEqualTo(403);
      assertThat(post.json().get("type").asText()).isEqualTo("/problems/cross-site-request");
      assertThat(post.header("Access-Control-Allow-Origin")).as(origin).isNull();
    }
    assertThat(status(pending)).isEqualTo("pending");
  }
}
