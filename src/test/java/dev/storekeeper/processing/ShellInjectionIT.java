package dev.storekeeper.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Http;
import dev.storekeeper.RunningApp;
import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobService;
import dev.storekeeper.jobs.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 11, section 2: operators wrap pipelines in {@code sh -c}, so the upload's path reaches a
 * shell as script text. With {@code PROCESSOR_COMMAND="sh -c 'wc -c < {input} >
 * {output_dir}/count.txt'"}, no generated name ever runs anything it contains: every job completes,
 * counts exactly its own bytes, and leaves nothing but {@code count.txt} and its log. Every payload
 * would create {@code INJECTED} in the processor's working directory (its output directory) if a
 * shell executed it. The service runs on H2 in a temporary directory; jqwik cannot use Spring's
 * test support.
 */
class ShellInjectionIT {

  /** Each one runs {@code touch INJECTED} (or creates the file) when a shell reads it. */
  private static final List<String> PAYLOADS =
      List.of(
          ";touch${IFS}INJECTED;#",
          "$(touch INJECTED)",
          "`touch INJECTED`",
          "\ntouch INJECTED\n",
          "&touch INJECTED&",
          "|touch INJECTED|",
          "&&touch INJECTED||",
          ">INJECTED",
          "$(>INJECTED)",
          "';touch INJECTED;'",
          "\";touch INJECTED;\"",
          "\\;touch INJECTED",
          "${IFS};touch${IFS}INJECTED");

  /** Shell syntax, quotes, blanks, globs, dashes and non-ASCII text around the payloads. */
  private static final String FILLER = "abc.-_ ;$`'\"(){}[]<>|&*?~#!=%\\\t\n\u202E\u00e9\u5c65";

  private static RunningApp app;
  private static Path dataDir;

  @BeforeContainer
  static void start() {
    dataDir = RunningApp.tempDataDir("storekeeper-shell");
    Map<String, String> settings = RunningApp.onH2(dataDir);
    settings.put("PROCESSOR", "command");
    settings.put("PROCESSOR_COMMAND", "sh -c 'wc -c < {input} > {output_dir}/count.txt'");
    app = RunningApp.start(settings);
  }

  @AfterContainer
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Provide
  Arbitrary<String> hostileNames() {
    Arbitrary<String> filler = Arbitraries.strings().withChars(FILLER.toCharArray()).ofMaxLength(8);
    Arbitrary<String> extension = Arbitraries.of("", ".txt", ".tar.gz", "'.csv", ";.sh", "$(x)");
    return Arbitraries.of(PAYLOADS)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .flatMap(
            payloads ->
                filler.flatMap(
                    prefix -> extension.map(end -> prefix + String.join(prefix, payloads) + end)));
  }

  @Property(tries = 60)
  void noPartOfAnUploadNameIsEverRunByAShellTemplate(
      @ForAll("hostileNames") String name, @ForAll("sizes") int size) throws IOException {
    Job job = app.bean(JobService.class).upload(new Upload(name, new byte[size]));

    Job finished = awaitFinished(job.id());

    assertThat(finished.status()).as(finished.errorMessage()).isEqualTo(JobStatus.COMPLETED);
    Path output = app.bean(dev.storekeeper.storage.StorageLayout.class).outputDir(job.id());
    assertThat(Files.readString(output.resolve("count.txt")).strip()).isEqualTo("" + size);
    assertThat(entries(output)).containsExactlyInAnyOrder("count.txt", "logs");
    assertThat(Files.readString(output.resolve("logs/processor.log"))).isEmpty();
    assertThat(injected()).isEmpty();
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.integers().between(1, 5000);
  }

  @Example
  void theIssuesNameIsStoredInertAndShownAsSent() throws IOException {
    String name = "x;touch${IFS}INJECTED;#.txt";
    Http.Response created = app.http().upload("file", name, "12345".getBytes());
    assertThat(created.status()).isEqualTo(201);
    UUID id = UUID.fromString(created.json().get("id").asText());

    Job finished = awaitFinished(id);

    assertThat(finished.status()).as(finished.errorMessage()).isEqualTo(JobStatus.COMPLETED);
    assertThat(finished.filename()).isEqualTo(name);
    assertThat(Path.of(finished.filePath()).getFileName())
        .hasToString(id + "_x_touch_IFS_INJECTED_.txt");
    assertThat(app.http().get("/jobs/" + id).json().get("filename").asText()).isEqualTo(name);
    assertThat(injected()).isEmpty();
  }

  private static Job awaitFinished(UUID id) {
    JobService jobs = app.bean(JobService.class);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jobs.get(id).status() != JobStatus.PENDING
                    && jobs.get(id).status() != JobStatus.RUNNING);
    return jobs.get(id);
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Every file anywhere under the data directory that a payload would have created. */
  private static List<Path> injected() throws IOException {
    try (Stream<Path> walk = Files.walk(dataDir)) {
      return walk.filter(p -> p.getFileName().toString().startsWith("INJECTED")).toList();
    }
  }

  private record Upload(String originalFilename, byte[] content)
      implements JobService.UploadSource {
    @Override
    public long size() {
      return content.length;
    }

    @Override
    public void transferTo(Path target) throws IOException {
      Files.write(target, content);
    }

    @Override
    public java.io.InputStream open() {
      return new java.io.ByteArrayInputStream(content);
    }
  }
}
