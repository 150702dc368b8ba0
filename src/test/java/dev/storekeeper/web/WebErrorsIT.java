package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.RawHttp;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11, section 8, the web defects: {@code /error} requested directly, paths the servlet
 * container refuses itself, problem documents without a {@code type}, a client's mistake logged as
 * a server warning, and an API description that echoes the {@code Host} header. Runs on H2 and
 * PostgreSQL through its subclasses.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class WebErrorsIT extends StorekeeperIT {

  static final String ADMIN = "Bearer " + ADMIN_TOKEN;

  RawHttp raw;
  Fixtures fixtures;

  @BeforeEach
  void client() {
    raw = new RawHttp(port);
    fixtures = new Fixtures(jdbc, layout);
  }

  @Test
  void theErrorPathRequestedDirectlyIsNotFoundAsAProblem() {
    for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
      RawHttp.Response answer = raw.request(method, "/error").send();

      assertThat(answer.status()).as(method).isEqualTo(404);
      assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
      assertThat(answer.json().get("type").asText()).isEqualTo("/problems/not-found");
      assertThat(answer.body()).doesNotContain("999");
    }
  }

  @Test
  void pathsTheContainerRefusesAreProblemsThatDoNotEchoThePath() {
    for (String path :
        List.of(
            "/jobs%2Fsecret-name",
            "/jobs/x%5Csecret-name",
            "/jobs%00secret-name",
            "/secret-name%2F..%2F..%2Fetc%2Fpasswd",
            "/cleanup%2Frun",
            "/%2e%2e/secret-name",
            "//secret-name",
            "/jobs;secret-name=1")) {
      RawHttp.Response answer = raw.request("GET", path).header("Authorization", ADMIN).send();

      assertThat(answer.status()).as(path).isEqualTo(400);
      assertThat(answer.header("Content-Type")).as(path).startsWith("application/problem+json");
      JsonNode problem = answer.json();
      assertThat(problem.get("type").asText()).as(path).isEqualTo("/problems/invalid-request");
      assertThat(problem.get("status").asInt()).isEqualTo(400);
      assertThat(answer.body()).as(path).doesNotContain("secret-name").doesNotContain("<html");
    }
  }

  @Test
  void everyProblemHasATypeThatDescribesItsKind() {
    CreatedJob completed = fixtures.aJob(JobStatus.COMPLETED).finishedAt(START).create();
    String job = "/jobs/" + completed.id();
    List<RawHttp.Response> answers = new ArrayList<>();
    answers.add(raw.request("GET", "/jobs?limit=0").send()); // 400 parameter
    answers.add(raw.request("GET", "/jobs?limit=abc").send()); // 400 type mismatch
    answers.add(raw.request("GET", "/metrics").send()); // 400 missing parameter
    answers.add(raw.request("GET", "/jobs%2F").send()); // 400 container
    answers.add(raw.request("GET", "//jobs").send()); // 400 firewall
    answers.add(raw.request("GET", "/cleanup/stats").send()); // 401
    answers.add(raw.request("GET", "/cleanup/stats").header("Authorization", "Bearer x").send());
    answers.add(raw.request("GET", "/jobs/" + UUID.randomUUID()).send()); // 404 ours
    answers.add(raw.request("GET", "/no/such/path").send()); // 404 Spring
    answers.add(raw.request("DELETE", "/jobs").send()); // 405
    answers.add(raw.request("GET", "/jobs").header("Accept", "image/png").send()); // 406
    answers.add(raw.request("POST", job + "/cancel").send()); // 409
    answers.add(
        raw.request("POST", "/upload")
            .header("Content-Type", Multipart.CONTENT_TYPE)
            .declaredLength(1L << 40)
            .send()); // 413
    answers.add(raw.request("POST", "/cleanup/run").body("{}").send()); // 415
    answers.add(
        raw.request("POST", "/jobs/x/cancel").header("Origin", "https://evil.example").send());
    answers.add(
        raw.request("OPTIONS", "/jobs")
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "GET")
            .send());

    Set<String> types = new LinkedHashSet<>();
    for (RawHttp.Response answer : answers) {
      assertThat(answer.status()).as(answer.body()).isBetween(400, 499);
      if (answer.status() == 406) {
        continue; // a client that accepts no JSON gets no body
      }
      assertThat(answer.header("Content-Type"))
          .as(answer.body())
          .startsWith("application/problem+json");
      JsonNode problem = answer.json();
      assertThat(problem.get("type").asText()).as(answer.body()).startsWith("/problems/");
      assertThat(problem.get("status").asInt()).isEqualTo(answer.status());
      types.add(problem.get("type").asText());
    }
    assertThat(types)
        .contains(
            "/problems/invalid-parameter",
            "/problems/invalid-request",
            "/problems/unauthorized",
            "/problems/forbidden",
            "/problems/not-found",
            "/problems/method-not-allowed",
            "/problems/conflict",
            "/problems/upload-too-large",
            "/problems/body-not-accepted",
            "/problems/cross-site-request");
    for (String type : types) {
      RawHttp.Response description = raw.request("GET", type).send();
      assertThat(description.status()).as(type).isEqualTo(200);
      assertThat(description.header("Content-Type")).startsWith("text/plain");
      assertThat(description.body()).as(type).contains("HTTP status");
    }
    assertThat(raw.request("GET", "/problems/no-such-kind").send().status()).isEqualTo(404);
  }

  @Test
  void aClientsWrongMethodPathOrBodyIsNotLoggedAsAServerWarning(CapturedOutput output) {
    int before = output.getAll().length();
    assertThat(raw.request("DELETE", "/jobs").send().status()).isEqualTo(405);
    assertThat(raw.request("PUT", "/upload").send().status()).isEqualTo(405);
    assertThat(raw.request("GET", "/cleanup/run").header("Authorization", ADMIN).send().status())
        .isEqualTo(405);
    assertThat(raw.request("GET", "/no/such/path").send().status()).isEqualTo(404);
    assertThat(raw.request("POST", "/cleanup/run").body("{}").send().status()).isEqualTo(415);
    assertThat(
            raw.request("POST", "/upload")
                .header("Content-Type", "application/json")
                .body("{}")
                .send()
                .status())
        .isEqualTo(415);

    String logged = output.getAll().substring(before);
    assertThat(logged.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")))
        .isEmpty();
  }

  @Test
  void theApiDescriptionNamesARelativeServerWhateverTheHostHeader() {
    for (String host : List.of("evil.example", "127.0.0.1:" + port, "evil.example:443")) {
      RawHttp.Response answer = raw.request("GET", "/openapi.json").header("Host", host).send();

      assertThat(answer.status()).isEqualTo(200);
      JsonNode servers = answer.json().get("servers");
      assertThat(servers).hasSize(1);
      assertThat(servers.get(0).get("url").asText()).isEqualTo("/");
      assertThat(answer.body()).doesNotContain("evil.example");
    }
  }
}
