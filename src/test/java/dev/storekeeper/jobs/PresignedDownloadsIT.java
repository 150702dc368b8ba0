package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.storage.s3.OnS3H2;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code S3_PRESIGNED_DOWNLOADS=true} through real HTTP against S3Proxy: a download is a redirect
 * to a presigned GET that serves the object with our {@code Content-Disposition}; a missing file, a
 * path that climbs, and a request without the token get our own answers, never a URL.
 */
@OnS3H2
@TestPropertySource(
    properties = {"S3_PRESIGNED_DOWNLOADS=true", "API_TOKEN=" + PresignedDownloadsIT.CLIENT})
class PresignedDownloadsIT extends StorekeeperIT {

  static final String CLIENT = "client-token-0123456789abcdef0123456789";

  @Test
  void aDownloadRedirectsToAPresignedUrlThatServesTheObject() throws Exception {
    Http http = new Http(port);
    String bearer = "Bearer " + CLIENT;
    Http.Response created =
        http.send(
            HttpRequest.newBuilder(URI.create(url("/upload")))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.csv\"\r\n"
                            + "Content-Type: text/csv\r\n\r\nsubject,volume\nsub-01,1200.5\n\r\n--b--\r\n")),
            "Authorization",
            bearer);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.get("/jobs/" + id, "Authorization", bearer)
                    .json()
                    .get("status")
                    .asText()
                    .equals("completed"));

    Http.Response redirect =
        http.get("/jobs/" + id + "/outputs/results.json", "Authorization", bearer);
    assertThat(redirect.status()).isEqualTo(302);
    URI location = URI.create(redirect.header("Location"));
    assertThat(location.toString())
        .startsWith(System.getProperty("storekeeper.test.s3.endpoint"))
        .contains("X-Amz-Signature=")
        .contains("X-Amz-Expires=300");

    HttpResponse<String> object =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(location).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(object.statusCode()).isEqualTo(200);
    assertThat(object.body()).contains("sha256");
    assertThat(object.headers().firstValue("Content-Disposition").orElse(""))
        .contains("filename=\"results.json\"");

    // our own answers, never a URL
    assertThat(http.get("/jobs/" + id + "/outputs/none.json", "Authorization", bearer).status())
        .isEqualTo(404);
    assertThat(
            http.get("/jobs/" + id + "/outputs/a/../results.json", "Authorization", bearer)
                .status())
        .isIn(400, 404);
    Http.Response anonymous = http.get("/jobs/" + id + "/outputs/results.json");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("Location")).isNull();
  }
}
