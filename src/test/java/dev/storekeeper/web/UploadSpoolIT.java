package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.RawHttp;
import dev.storekeeper.RunningApp;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, section 5, measured: what a hostile upload makes the server write to {@code
 * DATA_DIR/.spool} while it is refused. Parts here are larger than the 1 MB the container keeps in
 * memory, so they are spooled; a watcher samples the spool's size throughout the request. Also the
 * free-space check on the declared length. Each case starts the application on H2 for the purpose.
 */
class UploadSpoolIT {

  static final long MAX_UPLOAD_BYTES = 4L * 1024 * 1024;
  static final int PART = 3 * 1024 * 1024 / 2;

  private static Map<String, String> settings(String... pairs) {
    Map<String, String> settings =
        new HashMap<>(RunningApp.onH2(RunningApp.tempDataDir("storekeeper-spool")));
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      settings.put(pairs[i], pairs[i + 1]);
    }
    return settings;
  }

  /** The largest the spool got while {@code request} ran, and its answer. */
  record Measured(RawHttp.Response answer, long maxSpoolBytes) {}

  static Measured watchingTheSpool(Path spool, Supplier<RawHttp.Response> request) {
    AtomicLong max = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    Thread watcher =
        new Thread(
            () -> {
              while (!done.get()) {
                max.accumulateAndGet(size(spool), Math::max);
                Thread.onSpinWait();
              }
            });
    watcher.start();
    try {
      RawHttp.Response answer = request.get();
      return new Measured(answer, max.get());
    } finally {
      done.set(true);
      try {
        watcher.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      max.accumulateAndGet(size(spool), Math::max);
    }
  }

  static long size(Path dir) {
    long total = 0;
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        try {
          total += Files.size(entry);
        } catch (NoSuchFileException gone) {
          // deleted while measured
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }

  static long entries(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    }
  }

  @Test
  void aFloodOfLargePartsSpoolsAtMostOnePartAndLeavesNothing() throws Exception {
    try (RunningApp app =
        RunningApp.start(settings("MAX_UPLOAD_BYTES", String.valueOf(MAX_UPLOAD_BYTES)))) {
      Path spool = app.bean(StorageLayout.class).spoolDir();
      RawHttp raw = new RawHttp(app.port());
      Multipart fiftyOne = new Multipart();
      for (int i = 0; i < 51; i++) {
        fiftyOne.part("file", "part-" + i + ".csv", Multipart.csv(PART));
      }
      byte[] flood = fiftyOne.bytes();
      byte[] oversized = new Multipart().file(Multipart.csv(3 * PART)).bytes();

      // chunked, so that nothing can be refused on its declared length: the container must stop
      for (int round = 0; round < 3; round++) {
        Measured parts =
            watchingTheSpool(
                spool,
                () ->
                    raw.request("POST", "/upload")
                        .header("Content-Type", Multipart.CONTENT_TYPE)
                        .body(flood)
                        .chunked()
                        .send());
        Measured big =
            watchingTheSpool(
                spool,
                () ->
                    raw.request("POST", "/upload")
                        .header("Content-Type", Multipart.CONTENT_TYPE)
                        .body(oversized)
                        .chunked()
                        .send());

        assertThat(parts.answer().status()).as(parts.answer().body()).isEqualTo(400);
        assertThat(parts.answer().json().get("detail").asText()).contains("exactly one part");
        assertThat(parts.maxSpoolBytes()).isLessThanOrEqualTo(PART + 1024);
        assertThat(big.answer().status()).isEqualTo(413);
        assertThat(big.maxSpoolBytes()).isLessThanOrEqualTo(MAX_UPLOAD_BYTES + 1024);
        assertThat(entries(spool)).isZero();
      }
      assertThat(entries(app.bean(StorageLayout.class).uploadsRoot())).isZero();
    }
  }

  @Test
  void aDeclaredLengthThatWouldLeaveTooLittleFreeSpaceIs507BeforeAnythingIsRead() throws Exception {
    Path dataDir = RunningApp.tempDataDir("storekeeper-free");
    long freeMb = Files.getFileStore(dataDir).getUsableSpace() / (1024 * 1024);
    // leave 2 GB of room above the minimum: a small upload fits, a declared 8 GB does not
    Map<String, String> settings = new HashMap<>(RunningApp.onH2(dataDir));
    settings.put("STORAGE_MIN_FREE_MB", String.valueOf(Math.max(0, freeMb - 2048)));
    settings.put("MAX_UPLOAD_BYTES", String.valueOf(16L * 1024 * 1024 * 1024));
    try (RunningApp app = RunningApp.start(settings)) {
      Path spool = app.bean(StorageLayout.class).spoolDir();
      RawHttp raw = new RawHttp(app.port());

      RawHttp.Response tooBig =
          raw.request("POST", "/upload")
              .header("Content-Type", Multipart.CONTENT_TYPE)
              .declaredLength(8L * 1024 * 1024 * 1024)
              .body(new Multipart().file(Multipart.csv(1000)).bytes())
              .send();
      RawHttp.Response small =
          raw.request("POST", "/upload")
              .header("Content-Type", Multipart.CONTENT_TYPE)
              .body(new Multipart().file(Multipart.csv(1000)).bytes())
              .send();

      assertThat(tooBig.status()).as(tooBig.body()).isEqualTo(507);
      assertThat(tooBig.json().get("type").asText()).isEqualTo("/problems/insufficient-storage");
      assertThat(tooBig.json().get("detail").asText()).contains("STORAGE_MIN_FREE_MB");
      assertThat(tooBig.json().get("parameter").asText()).isEqualTo("file");
      assertThat(entries(spool)).isZero();
      assertThat(small.status()).as(small.body()).isEqualTo(201);
    }
  }
}
