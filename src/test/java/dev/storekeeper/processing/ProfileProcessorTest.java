package dev.storekeeper.processing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.storekeeper.jobs.MetricValue;
import dev.storekeeper.processing.JobProcessor.Request;
import dev.storekeeper.processing.JobProcessor.Result;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ProfileProcessorTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  private final ProfileProcessor processor = new ProfileProcessor();
  private final List<Integer> progress = new ArrayList<>();

  @Test
  void isSelectedAsProfile() {
    assertThat(processor.name()).isEqualTo("profile");
  }

  @Nested
  class Text {

    @Test
    void profilesCsvAsTextWithLineCountAndMetrics() throws Exception {
      byte[] csv = "id,name,score\n1,alpha,0.5\n2,beta,0.75\n".getBytes(UTF_8);

      Result result = process(write("scores.csv", csv), "scores.csv");

      assertThat(result.resultFile()).isEqualTo("results.json");
      Map<String, MetricValue> metrics = byName(result);
      assertThat(metrics).containsKeys("size_bytes", "byte_entropy", "compression_ratio");
      assertThat(metrics.get("size_bytes"))
          .isEqualTo(new MetricValue("size_bytes", csv.length, "bytes"));
      assertThat(metrics.get("line_count")).isEqualTo(new MetricValue("line_count", 3, "lines"));
      assertThat(metrics.get("byte_entropy").value()).isBetween(0.0, 8.0);
      assertThat(metrics.get("byte_entropy").unit()).isEqualTo("bits/byte");
      assertThat(metrics.get("compression_ratio").value()).isPositive();
      assertThat(metrics.get("compression_ratio").unit()).isEqualTo("ratio");

      JsonNode json = results();
      assertThat(json.get("media_type").asString()).isEqualTo("text/plain");
      assertThat(json.get("size_bytes").asLong()).isEqualTo(csv.length);
      assertThat(json.get("sha256").asString()).isEqualTo(sha256(csv));
      assertThat(json.get("original_filename").asString()).isEqualTo("scores.csv");
      assertThat(json.get("content").get("line_count").asLong()).isEqualTo(3);
    }

    @Test
    void writesEveryMetricToMetricsCsv() throws Exception {
      Result result = process(write("in.txt", "a\nb\n".getBytes(UTF_8)), "in.txt");

      List<String> lines = Files.readAllLines(dir.resolve("out/metrics.csv"));
      assertThat(lines.get(0)).isEqualTo("name,value,unit");
      assertThat(lines).contains("size_bytes,4,bytes", "line_count,2,lines");
      assertThat(lines).hasSize(result.metrics().size() + 1);
      try (var csv = Files.newByteChannel(dir.resolve("out/metrics.csv"))) {
        assertThat(MetricsCsv.parse(csv).metrics()).containsExactlyElementsOf(result.metrics());
      }
    }

    @Test
    void countsAFinalLineWithoutLineFeed() throws Exception {
      Result result = process(write("in.txt", "a\r\nb\r\nc".getBytes(UTF_8)), "in.txt");

      assertThat(byName(result).get("line_count").value()).isEqualTo(3);
    }

    @Test
    void recognizesUtf8WhoseCharacterStraddlesTheBufferBoundary() throws Exception {
      byte[] content = new byte[ProfileProcessor.BUFFER_SIZE + 3];
      Arrays.fill(content, (byte) 'a');
      byte[] euro = "\u20ac".getBytes(UTF_8);
      System.arraycopy(euro, 0, content, ProfileProcessor.BUFFER_SIZE - 1, euro.length);

      process(write("in.txt", content), "in.txt");

      assertThat(results().get("media_type").asString()).isEqualTo("text/plain");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "latin-1 e acute, 63 61 66 e9",
      "NUL byte, 61 00 62",
      "overlong slash, c0 af",
      "UTF-16 surrogate, ed a0 80",
      "above U+10FFFF, f4 90 80 80",
      "truncated sequence at end, 61 e2 82",
    })
    void treatsAnythingButCleanUtf8AsBinary(String description, String hex) throws Exception {
      byte[] content = HexFormat.ofDelimiter(" ").parseHex(hex);

      Result result = process(write("in.bin", content), "in.bin");

      assertThat(results().get("media_type").asString()).isEqualTo("application/octet-stream");
      assertThat(byName(result)).doesNotContainKey("line_count");
    }
  }

  @Test
  void profilesAnEmptyFile() throws Exception {
    Result result = process(write("empty", new byte[0]), "empty");

    Map<String, MetricValue> metrics = byName(result);
    assertThat(metrics.get("size_bytes").value()).isZero();
    assertThat(metrics.get("byte_entropy").value()).isZero();
    assertThat(metrics.get("compression_ratio").value()).isEqualTo(1.0);
    assertThat(metrics.get("line_count").value()).isZero();
    JsonNode json = results();
    assertThat(json.get("sha256").asString())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(progress).last().isEqualTo(100);
  }

  @Test
  void measuresRandomBytesAsHighEntropyAndIncompressible() throws Exception {
    byte[] random = new byte[256 * 1024];
    new Random(42).nextBytes(random);

    Result result = process(write("random.bin", random), "random.bin");

    Map<String, MetricValue> metrics = byName(result);
    assertThat(metrics.get("byte_entropy").value()).isBetween(7.99, 8.0);
    assertThat(metrics.get("compression_ratio").value()).isBetween(0.99, 1.01);
    assertThat(results().get("media_type").asString()).isEqualTo("application/octet-stream");
  }

  @Test
  void measuresRepetitiveTextAsLowEntropyAndCompressible() throws Exception {
    Result result = process(write("a.txt", "ab".repeat(100_000).getBytes(UTF_8)), "a.txt");

    Map<String, MetricValue> metrics = byName(result);
    assertThat(metrics.get("byte_entropy").value()).isCloseTo(1.0, within(1e-9));
    assertThat(metrics.get("compression_ratio").value()).isGreaterThan(100);
  }

  @Test
  void escapesAFilenameWithQuotesBackslashesControlCharactersAndUnicode() throws Exception {
    String name = "re\"port\\ 2024\n\t\r\u0001\u007f \u00fcber \u65e5\u672c \ud83d\ude00.csv";

    process(write("upload", "x".getBytes(UTF_8)), name);

    assertThat(results().get("original_filename").asString()).isEqualTo(name);
  }

  @Test
  void writesNullForAMissingFilename() throws Exception {
    process(write("upload", "x".getBytes(UTF_8)), null);

    assertThat(results().get("original_filename").isNull()).isTrue();
  }

  @Nested
  class Gzip {

    @Test
    void reportsUncompressedSize() throws Exception {
      byte[] original = "line of text\n".repeat(50_000).getBytes(UTF_8);

      Result result = process(write("data.gz", gzip(original)), "data.gz");

      assertThat(byName(result).get("uncompressed_bytes"))
          .isEqualTo(new MetricValue("uncompressed_bytes", original.length, "bytes"));
      JsonNode json = results();
      assertThat(json.get("media_type").asString()).isEqualTo("application/gzip");
      assertThat(json.get("content").get("uncompressed_bytes").asLong()).isEqualTo(original.length);
    }

    @Test
    void recordsAnErrorForGarbageAfterTheMagicInsteadOfFailing() throws Exception {
      byte[] corrupt = {0x1f, (byte) 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 'n', 'o', 't', 'd', 'e', 'f'};

      Result result = process(write("bad.gz", corrupt), "bad.gz");

      assertThat(results().get("content").get("gzip_error").asString()).isNotBlank();
      assertThat(byName(result)).doesNotContainKey("uncompressed_bytes").containsKey("size_bytes");
    }

    @Test
    void recordsAnErrorForATruncatedFile() throws Exception {
      byte[] whole =
          gzip(
              new Random(1)
                  .ints(200_000)
                  .mapToObj(Integer::toString)
                  .collect(Collectors.joining(","))
                  .getBytes(UTF_8));

      process(write("cut.gz", Arrays.copyOf(whole, whole.length / 2)), "cut.gz");

      assertThat(results().get("content").get("gzip_error").asString()).isNotBlank();
    }
  }

  @Nested
  class Images {

    @ParameterizedTest
    @CsvSource({"png, image/png", "jpeg, image/jpeg", "gif, image/gif"})
    void readsDimensionsFromTheHeader(String format, String mediaType) throws Exception {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      assertThat(
              ImageIO.write(new BufferedImage(37, 21, BufferedImage.TYPE_INT_RGB), format, bytes))
          .isTrue();

      Result result = process(write("picture", bytes.toByteArray()), "picture");

      assertThat(byName(result).get("width")).isEqualTo(new MetricValue("width", 37, "pixels"));
      assertThat(byName(result).get("height")).isEqualTo(new MetricValue("height", 21, "pixels"));
      JsonNode json = results();
      assertThat(json.get("media_type").asString()).isEqualTo(mediaType);
      assertThat(json.get("content").get("width").asInt()).isEqualTo(37);
      assertThat(json.get("content").get("height").asInt()).isEqualTo(21);
    }

    @Test
    void recordsAnErrorForADamagedHeaderInsteadOfFailing() throws Exception {
      byte[] png = HexFormat.of().parseHex("89504e470d0a1a0a0000000d4948");

      Result result = process(write("broken.png", png), "broken.png");

      assertThat(results().get("content").get("image_error").asString()).isNotBlank();
      assertThat(byName(result)).doesNotContainKeys("width", "height");
    }
  }

  @ParameterizedTest
  @CsvSource({"25504446 2d 312e 37 0a, application/pdf", "504b0506 0000 0000, application/zip"})
  void recognizesFormatsByMagicBytes(String hex, String mediaType) throws Exception {
    process(write("doc", HexFormat.of().parseHex(hex.replace(" ", ""))), "doc");

    assertThat(results().get("media_type").asString()).isEqualTo(mediaType);
  }

  @Test
  void recognizesAZipArchive() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("a.txt"));
      zip.write("hello".getBytes(UTF_8));
    }

    process(write("archive", bytes.toByteArray()), "archive");

    assertThat(results().get("media_type").asString()).isEqualTo("application/zip");
  }

  @Nested
  class ProgressAndInterruption {

    @Test
    void reportsEachPercentAtMostOnceEndingAtHundred() throws Exception {
      byte[] content = new byte[64 * ProfileProcessor.BUFFER_SIZE * 3];

      process(write("zeros", content), "zeros");

      assertThat(progress).isSorted().doesNotHaveDuplicates().last().isEqualTo(100);
      assertThat(progress.size()).isLessThanOrEqualTo(101);
    }

    @Test
    void stopsReadingWhenInterrupted() throws Exception {
      Path input = write("big", new byte[100 * ProfileProcessor.BUFFER_SIZE]);
      Path out = Files.createDirectory(dir.resolve("out"));
      List<Integer> seen = new ArrayList<>();

      assertThatThrownBy(
              () ->
                  processor.process(
                      request(input, "big", out),
                      (percent, step) -> {
                        seen.add(percent);
                        if (percent >= 10) {
                          Thread.currentThread().interrupt();
                        }
                      }))
          .isInstanceOf(InterruptedException.class);

      assertThat(seen).last().isEqualTo(10);
      assertThat(Thread.interrupted()).as("interrupt flag consumed by the exception").isFalse();
      assertThat(out).isEmptyDirectory();
    }

    @Test
    void leavesNoResultFileWhenInterruptedWhileWriting() throws Exception {
      Path input = write("small", "abc".getBytes(UTF_8));
      Path out = Files.createDirectory(dir.resolve("out"));

      assertThatThrownBy(
              () ->
                  processor.process(
                      request(input, "small", out),
                      (percent, step) -> {
                        if (step.equals("writing results")) {
                          Thread.currentThread().interrupt();
                        }
                      }))
          .isInstanceOf(InterruptedException.class);

      assertThat(Thread.interrupted()).isFalse();
      assertThat(out).isEmptyDirectory();
    }
  }

  @Test
  void leavesOnlyFinishedFilesInTheOutputDirectory() throws Exception {
    process(write("in.txt", "abc".getBytes(UTF_8)), "in.txt");

    try (var files = Files.list(dir.resolve("out"))) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder("results.json", "metrics.csv");
    }
  }

  @Test
  void failsForAMissingInput() throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));

    assertThatThrownBy(
            () -> processor.process(request(dir.resolve("gone"), "gone", out), (p, s) -> {}))
        .isInstanceOf(ProcessingException.class)
        .hasMessageContaining("gone");
  }

  private Result process(Path input, String originalFilename) throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    return processor.process(
        request(input, originalFilename, out), (percent, step) -> progress.add(percent));
  }

  private static Request request(Path input, String originalFilename, Path out) {
    return new Request(UUID.randomUUID(), input, originalFilename, out);
  }

  private Path write(String name, byte[] content) throws IOException {
    Path uploads = Files.createDirectories(dir.resolve("uploads"));
    return Files.write(uploads.resolve(name), content);
  }

  private JsonNode results() throws IOException {
    return JSON.readTree(Files.readString(dir.resolve("out/results.json")));
  }

  private static Map<String, MetricValue> byName(Result result) {
    return result.metrics().stream()
        .collect(Collectors.toMap(MetricValue::name, Function.identity()));
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
