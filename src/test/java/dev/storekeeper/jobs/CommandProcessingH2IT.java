package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Http;
import dev.storekeeper.OnH2;
import dev.storekeeper.StorekeeperIT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The {@code command} processor wired into the service: an operator's pipeline, no shell. */
@OnH2
@TestPropertySource(
    properties = {
      "PROCESSOR=command",
      "PROCESSOR_COMMAND=sh -c 'if grep -q fail \"$0\"; then echo boom; exit 1; fi; printf \"rows,2,count\\n\" > metrics.csv' {input}"
    })
class CommandProcessingH2IT extends StorekeeperIT {

  private JsonNode finished(Http http, String id) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !http.get("/jobs/" + id).json().get("status").asText().matches("pending|running"));
    return http.get("/jobs/" + id).json();
  }

  @Test
  void aCommandThatSucceedsImportsItsMetrics() {
    Http http = new Http(port);
    String id =
        http.upload("file", "ok.csv", "a\nb\n".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();

    JsonNode job = finished(http, id);

    assertThat(job.get("status").asText()).isEqualTo("completed");
    assertThat(job.get("metrics").get(0).get("name").asText()).isEqualTo("rows");
    assertThat(job.get("metrics").get(0).get("value").asDouble()).isEqualTo(2.0);
    assertThat(layout.outputDir(UUID.fromString(id)).resolve("logs/processor.log")).exists();
  }

  @Test
  void aCommandThatExitsNonZeroFailsTheJobWithItsExitCodeAndLogTail() throws Exception {
    Http http = new Http(port);
    String id =
        http.upload("file", "bad.csv", "fail\n".getBytes(StandardCharsets.UTF_8))
            .json()
            .get("id")
            .asText();

    JsonNode job = finished(http, id);

    assertThat(job.get("status").asText()).isEqualTo("failed");
    assertThat(job.get("completed_at").isNull()).isFalse();
    assertThat(job.get("error_message").asText()).contains("code 1").contains("boom");
    assertThat(
            Files.readString(layout.outputDir(UUID.fromString(id)).resolve("logs/processor.log")))
        .contains("boom");
  }
}
