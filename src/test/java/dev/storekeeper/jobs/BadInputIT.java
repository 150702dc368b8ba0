package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, case 6: hostile upload names, malformed multipart bodies and bad query values. Each
 * answer is a 201 or a 4xx problem naming what was wrong, never a 5xx; whatever is stored lies
 * directly inside {@code uploads/} under a safe name with its row, and nothing is written anywhere
 * else. Runs on H2 and PostgreSQL through its subclasses.
 */
abstract class BadInputIT extends StorekeeperIT {

  static final String BOUNDARY = "----storekeeper-bad-input";
  static final byte[] CSV = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);

  Http http;
  int created;

  @BeforeEach
  void client() {
    http = new Http(port);
    created = 0;
  }

  /** A multipart body whose part header carries {@code disposition} byte for byte. */
  static byte[] part(String disposition, byte[] content) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    body.writeBytes(
        ("Content-Disposition: form-data; name=\"file\"; " + disposition + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes("Content-Type: text/csv\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return body.toByteArray();
  }

  Http.Response post(String contentType, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url("/upload")))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    Http.Response response =
        contentType == null ? http.send(request) : http.send(request, "Content-Type", contentType);
    if (response.status() == 201) {
      created++;
    }
    return response;
  }

  Http.Response upload(String disposition) {
    return post("multipart/form-data; boundary=" + BOUNDARY, part(disposition, CSV));
  }

  /** Everything below the data directory's parent that is not inside the data directory. */
  Set<String> outsideDataDir() throws Exception {
    Path parent = layout.dataDir().getParent();
    Set<String> paths = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(parent)) {
      walk.filter(p -> !p.startsWith(layout.dataDir())).forEach(p -> paths.add(p.toString()));
    }
    return paths;
  }

  void assertStoredSafelyAndCompletely() throws Exception {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(layout.uploadsRoot())) {
      files.forEach(p -> names.add(p.getFileName().toString()));
    }
    assertThat(names).hasSize(created);
    assertThat(names)
        .allSatisfy(
            name ->
                assertThat(name)
                    .matches("[0-9a-f-]{36}_[A-Za-z0-9_][A-Za-z0-9._-]*")
                    .doesNotStartWith(".")
                    .doesNotContain(".."));
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isEqualTo(created);
    try (Stream<Path> spool = Files.list(layout.spoolDir())) {
      assertThat(spool).isEmpty();
    }
  }

  @Test
  void hostileFileNamesAreStoredUnderASafeNameInsideUploadsOrRefused() throws Exception {
    Set<String> before = outsideDataDir();
    List<String> dispositions =
        List.of(
            "filename=\"../../../../tmp/storekeeper-escape.csv\"",
            "filename=\"/etc/cron.d/storekeeper\"",
            "filename=\"..\\\\..\\\\windows\\\\system32\\\\evil.csv\"",
            "filename=\"C:\\\\evil.csv\"",
            "filename=\"nul\u0000byte.csv\"",
            "filename=\"ctrl\u0001\u0007\u001b[31m\u007f.csv\"",
            "filename=\"tab\there.csv\"",
            "filename=\"..\"",
            "filename=\".\"",
            "filename=\"\"",
            "filename=\"   \"",
            "filename=\"" + "n".repeat(400) + ".csv\"",
            "filename=\"" + "名".repeat(300) + ".csv\"",
            "filename*=UTF-8''..%2F..%2F..%2Ftmp%2Fstorekeeper-escape2.csv",
            "filename*=UTF-8''line%0Abreak%0D%0A.csv",
            "filename*=UTF-8''nul%00byte.csv",
            "filename*=UTF-8''%FF%FEnot-utf8.csv",
            "filename=\"a.csv\"; filename=\"../../b.csv\"");

    for (String disposition : dispositions) {
      Http.Response response = upload(disposition);
      assertThat(response.status()).as(disposition).isIn(201, 400);
      if (response.status() == 400) {
        assertThat(response.json().get("parameter").asText()).as(disposition).isEqualTo("file");
      }
    }

    assertThat(created).isPositive();
    assertStoredSafelyAndCompletely();
    assertThat(outsideDataDir()).isEqualTo(before);
    assertThat(Path.of("/tmp/storekeeper-escape.csv")).doesNotExist();
    assertThat(Path.of("/tmp/storekeeper-escape2.csv")).doesNotExist();
  }

  /** Issue 11, sections 2 and 8: display names as sent, minus what reorders or hides text. */
  @Test
  void theJobKeepsTheNameAsSentMinusBidiAndControlCharactersAndStoresAnInertOne() throws Exception {
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put("filename=\"invoice\u202Efdp.exe\"", "invoicefdp.exe");
    shown.put("filename*=UTF-8''invoice%E2%80%AEfdp.exe", "invoicefdp.exe");
    shown.put(
        "filename=\"\u2066a\u2069\u200Eb\u200F\u061Cc\u202A\u202B\u202C\u202D.txt\"", "abc.txt");
    shown.put("filename=\"x;touch${IFS}INJECTED;#.txt\"", "x;touch${IFS}INJECTED;#.txt");
    shown.put("filename=\"r\u00e9sum\u00e9 $(id) `id`.pdf\"", "r\u00e9sum\u00e9 $(id) `id`.pdf");
    shown.put("filename*=UTF-8''zero%E2%80%8Bwidth%EF%BB%BF.txt", "zerowidth.txt");

    for (Map.Entry<String, String> name : shown.entrySet()) {
      Http.Response response = upload(name.getKey());
      assertThat(response.status()).as(name.getKey()).isEqualTo(201);
      String id = response.json().get("id").asText();

      assertThat(response.json().get("filename").asText())
          .as(name.getKey())
          .isEqualTo(name.getValue());
      assertThat(http.get("/jobs/" + id).json().get("filename").asText())
          .isEqualTo(name.getValue());
      assertThat(
              jdbc.sql("select filename from jobs where id = :id")
                  .param("id", java.util.UUID.fromString(id))
                  .query(String.class)
                  .single())
          .isEqualTo(name.getValue());
    }
    assertStoredSafelyAndCompletely();
  }

  @Test
  void aFileNameTooLongForThePartHeaderIsABadRequestNamingTheFileNotATooLargeUpload()
      throws Exception {
    Http.Response response = upload("filename=\"" + "n".repeat(5000) + ".csv\"");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("parameter").asText()).isEqualTo("file");
    assertThat(response.json().get("detail").asText()).contains("file name");
    assertStoredSafelyAndCompletely();
  }

  @Test
  void anOversizedUploadNamesTheConfiguredLimitInsteadOfMinusOne() throws Exception {
    Http.Response response =
        post(
            "multipart/form-data; boundary=" + BOUNDARY,
            part("filename=\"big\"", new byte[200_000]));

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().get("detail").asText())
        .contains("MAX_UPLOAD_BYTES (100000 bytes)")
        .doesNotContain("-1");
    assertStoredSafelyAndCompletely();
  }

  @Test
  void malformedMultipartBodiesAreRefusedWith4xxAndLeaveNothing() throws Exception {
    Set<String> before = outsideDataDir();
    byte[] good = part("filename=\"x.csv\"", CSV);
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 20);
    List<Object[]> requests =
        List.of(
            new Object[] {"multipart/form-data", good},
            new Object[] {"multipart/form-data; boundary=other", good},
            new Object[] {"multipart/form-data; boundary=" + BOUNDARY, truncated},
            new Object[] {"multipart/form-data; boundary=" + BOUNDARY, new byte[0]},
            new Object[] {"multipart/form-data; boundary=" + BOUNDARY, "garbage".getBytes()},
            new Object[] {
              "multipart/form-data; boundary=" + BOUNDARY,
              ("--"
                      + BOUNDARY
                      + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"
                      + "no filename\r\n--"
                      + BOUNDARY
                      + "--\r\n")
                  .getBytes()
            },
            new Object[] {
              "multipart/form-data; boundary=" + BOUNDARY,
              ("--"
                      + BOUNDARY
                      + "\r\n"
                      + "X-Junk: "
                      + "h".repeat(20_000)
                      + "\r\n\r\nx\r\n--"
                      + BOUNDARY
                      + "--\r\n")
                  .getBytes()
            },
            new Object[] {"application/json", "{\"file\": \"x\"}".getBytes()},
            new Object[] {"application/json", "{\"file\": ".repeat(50_000).getBytes()},
            new Object[] {"text/plain", CSV},
            new Object[] {null, CSV});

    for (Object[] request : requests) {
      String contentType = (String) request[0];
      Http.Response response = post(contentType, (byte[]) request[1]);
      assertThat(response.status()).as(contentType).isBetween(400, 499);
      assertThat(response.header("Content-Type")).as(contentType).contains("json");
    }

    assertThat(created).isZero();
    assertStoredSafelyAndCompletely();
    assertThat(outsideDataDir()).isEqualTo(before);
  }

  @Test
  void badQueryValuesAreRefusedNamingTheParameterNeverWithA5xx() {
    List<String> queries =
        List.of(
            "/jobs?limit=-1",
            "/jobs?limit=99999999999999999999",
            "/jobs?limit=1e3",
            "/jobs?limit=0x10",
            "/jobs?limit=%00",
            "/jobs?limit=1&limit=2",
            "/jobs?skip=-5",
            "/jobs?skip=9223372036854775808",
            "/jobs?skip=abc",
            "/jobs?status=COMPLETED%27%3B--",
            "/jobs?status=",
            "/jobs?status=completed&status=failed",
            "/metrics?job_id=",
            "/metrics?job_id=../../etc",
            "/jobs/%2e%2e",
            "/jobs/" + "f".repeat(5000));

    for (String query : queries) {
      Http.Response response = http.get(query);
      assertThat(response.status()).as(query).isBetween(200, 499);
      if (response.status() == 400 && query.contains("?")) {
        String parameter = query.substring(query.indexOf('?') + 1, query.indexOf('='));
        assertThat(response.json().get("parameter").asText()).as(query).isEqualTo(parameter);
      }
    }
    assertThat(http.get("/jobs?limit=99999999999999999999").status()).isEqualTo(400);
    assertThat(http.get("/jobs?limit=1&limit=2").status()).isNotEqualTo(500);
  }
}
