package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.RawHttp;
import dev.storekeeper.StorekeeperIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, section 5: an upload is exactly one part, and the whole request is capped at
 * MAX_UPLOAD_BYTES (100,000 bytes here) plus the framing allowance, refused on its declared length
 * before anything is read, or cut off at the cap while a chunked body is read. Whatever is refused
 * leaves no job row, no upload and nothing in the spool. Runs on H2 and PostgreSQL through its
 * subclasses; {@link UploadSpoolIT} measures the spool with parts large enough to be spooled.
 */
abstract class UploadLimitsIT extends StorekeeperIT {

  static final int MAX_UPLOAD_BYTES = 100_000;

  RawHttp raw;

  @BeforeEach
  void client() {
    raw = new RawHttp(port);
  }

  @AfterEach
  void nothingWasKept() throws Exception {
    assertThat(list(layout.spoolDir())).as("spool").isZero();
  }

  static long list(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    }
  }

  RawHttp.Response upload(byte[] body) {
    return raw.request("POST", "/upload")
        .header("Content-Type", Multipart.CONTENT_TYPE)
        .body(body)
        .send();
  }

  void assertRefusedAndNothingKept(RawHttp.Response answer, int status, String type)
      throws Exception {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    assertThat(answer.json().get("type").asText()).isEqualTo(type);
    assertThat(answer.json().get("parameter").asText()).isEqualTo("file");
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
    assertThat(list(layout.uploadsRoot())).isZero();
    assertThat(list(layout.spoolDir())).isZero();
  }

  @Test
  void aSecondPartOfAnyKindIsABadRequestNamingTheFile() throws Exception {
    byte[] csv = Multipart.csv(100);
    for (Multipart body :
        new Multipart[] {
          new Multipart().file(csv).file(csv),
          new Multipart().file(csv).part("comment", null, "hello".getBytes()),
          new Multipart().part("comment", null, "hello".getBytes()).file(csv),
          new Multipart().file(csv).part("other", "b.csv", csv),
        }) {
      RawHttp.Response answer = upload(body.bytes());

      assertRefusedAndNothingKept(answer, 400, "/problems/invalid-parameter");
      assertThat(answer.json().get("detail").asText()).contains("exactly one part");
    }
  }

  @Test
  void aFiftyFirstPartIsABadRequestNotATooLargeUpload() throws Exception {
    Multipart body = new Multipart();
    for (int i = 0; i < 51; i++) {
      body.part("p" + i, "p" + i + ".csv", Multipart.csv(1000));
    }

    assertRefusedAndNothingKept(upload(body.bytes()), 400, "/problems/invalid-parameter");
  }

  @Test
  void aDeclaredLengthOverTheCapIsRefusedBeforeTheBodyIsRead() throws Exception {
    for (long declared :
        new long[] {
          MAX_UPLOAD_BYTES + UploadLimits.FRAMING_ALLOWANCE + 1, 1L << 40, Long.MAX_VALUE
        }) {
      RawHttp.Response answer =
          raw.request("POST", "/upload")
              .header("Content-Type", Multipart.CONTENT_TYPE)
              .declaredLength(declared)
              .body(new Multipart().file(Multipart.csv(100)).bytes())
              .send();

      assertRefusedAndNothingKept(answer, 413, "/problems/upload-too-large");
      assertThat(answer.json().get("detail").asText()).contains("MAX_UPLOAD_BYTES (100000 bytes)");
    }
  }

  @Test
  void aChunkedBodyOverTheCapIsCutOffWhileItIsRead() throws Exception {
    byte[] file = new Multipart().file(Multipart.csv(10)).bytes();
    // a preamble before the first boundary is read and thrown away: only the cap on the whole
    // request stops a body that is mostly preamble
    byte[] preamble = Multipart.csv(300_000);
    byte[] withPreamble = new byte[preamble.length + 2 + file.length];
    System.arraycopy(preamble, 0, withPreamble, 0, preamble.length);
    withPreamble[preamble.length] = '\r';
    withPreamble[preamble.length + 1] = '\n';
    System.arraycopy(file, 0, withPreamble, preamble.length + 2, file.length);
    for (byte[] body :
        new byte[][] {new Multipart().file(Multipart.csv(300_000)).bytes(), withPreamble}) {
      RawHttp.Response answer =
          raw.request("POST", "/upload")
              .header("Content-Type", Multipart.CONTENT_TYPE)
              .body(body)
              .chunked()
              .send();

      assertRefusedAndNothingKept(answer, 413, "/problems/upload-too-large");
    }
  }

  @Test
  void uploadsUpToTheLimitAreAcceptedWithALengthOrChunked() throws Exception {
    byte[] body = new Multipart().file(Multipart.csv(MAX_UPLOAD_BYTES)).bytes();

    RawHttp.Response declared = upload(body);
    RawHttp.Response chunked =
        raw.request("POST", "/upload")
            .header("Content-Type", Multipart.CONTENT_TYPE)
            .body(body)
            .chunked()
            .send();

    assertThat(declared.status()).as(declared.body()).isEqualTo(201);
    assertThat(chunked.status()).as(chunked.body()).isEqualTo(201);
    assertThat(list(layout.uploadsRoot())).isEqualTo(2);
  }

  @Test
  void aBodyThatIsNotMultipartIsRefusedNamingWhatTheUploadTakes() throws Exception {
    for (String type :
        new String[] {
          "application/json",
          "application/x-www-form-urlencoded",
          "text/plain",
          "multipart/mixed; boundary=x"
        }) {
      RawHttp.Response answer =
          raw.request("POST", "/upload").header("Content-Type", type).body("file=x").send();

      assertRefusedAndNothingKept(answer, 415, "/problems/body-not-accepted");
      assertThat(answer.json().get("detail").asText()).contains("multipart/form-data");
    }
  }
}
