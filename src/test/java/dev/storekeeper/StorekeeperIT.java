package dev.storekeeper;

import static org.awaitility.Awaitility.await;

import dev.storekeeper.storage.s3.BucketStorage;
import dev.storekeeper.storage.s3.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of every Spring test: the real application on a random port, with a settable clock, the
 * automatic cleanup off, and the database and data directories emptied before each test. A subclass
 * picks the database with {@link OnH2} or {@link OnPostgres}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
    properties = {
      "ENV_FILE=target/it/no-such.env",
      "CLEANUP_ENABLED=false",
      "STORAGE_MIN_FREE_MB=0",
      // how full the build machine's disk is must not make health WARN (capacity exhausted)
      "STORAGE_HIGH_WATERMARK_PERCENT=99",
      "MAX_UPLOAD_BYTES=100000",
      "db-scheduler.heartbeat-interval=1s",
      "ADMIN_TOKEN=" + StorekeeperIT.ADMIN_TOKEN,
      // security tests send many wrong tokens on purpose; the limit has tests of its own
      "AUTH_FAILURES_PER_MINUTE=1000000",
      "db-scheduler.polling-interval=200ms",
      "logging.level.com.github.kagkarlsson=WARN"
    })
@Import(StorekeeperIT.TestClock.class)
public abstract class StorekeeperIT {

  /** At least 32 characters: a shorter ADMIN_TOKEN stops startup. */
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123456789";

  public static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

  @Autowired protected MutableClock clock;
  @Autowired protected JdbcClient jdbc;
  @Autowired protected dev.storekeeper.storage.StorageLayout layout;
  @LocalServerPort protected int port;
  @Autowired private ObjectProvider<ObjectStore> objectStore;

  @TestConfiguration(proxyBeanMethods = false)
  static class TestClock {
    @Bean
    @Primary
    MutableClock mutableClock() {
      return new MutableClock(START);
    }
  }

  @BeforeEach
  void resetState() {
    clock.set(START);
    // workers may still be finishing the previous test's jobs: retry until the slate is clean
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              jdbc.sql("delete from scheduled_tasks where task_name = 'process_job'").update();
              jdbc.sql("delete from cleanup_items").update();
              jdbc.sql("delete from cleanup_runs").update();
              jdbc.sql(
                      """
                      update cleanup_lock set run_id = null, node = null, acquired_at = null,
                                              heartbeat_at = null
                      """)
                  .update();
              jdbc.sql("delete from metrics").update();
              jdbc.sql("delete from jobs").update();
              emptyDirectory(layout.uploadsRoot());
              emptyDirectory(layout.outputsRoot());
            });
    ObjectStore store = objectStore.getIfAvailable();
    if (store != null) {
      store.deleteUnder(store.keys().prefix());
    }
  }

  /**
   * Fixtures on the storage this context runs with: the data directories, or on the s3 backend
   * ({@code STORAGE_BACKEND=s3}) the bucket under {@code S3_PREFIX}.
   */
  protected Fixtures backendFixtures() {
    ObjectStore store = objectStore.getIfAvailable();
    if (store == null) {
      return new Fixtures(jdbc, layout);
    }
    return new Fixtures(jdbc, new BucketStorage(store.bucket(), store.keys().prefix(), jdbc));
  }

  /** Whether this context runs on the s3 backend. */
  protected boolean onS3() {
    return objectStore.getIfAvailable() != null;
  }

  protected static void emptyDirectory(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        deleteTree(entry);
      }
    }
  }

  protected static void deleteTree(Path path) throws IOException {
    if (Files.isSymbolicLink(path) || !Files.isDirectory(path)) {
      Files.deleteIfExists(path);
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  protected String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }
}
