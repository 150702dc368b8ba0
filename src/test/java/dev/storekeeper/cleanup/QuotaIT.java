package dev.storekeeper.cleanup;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the capacity and forecast suites: the default watermarks (85 %, 80 %), a 1000-byte quota
 * (every fixture job accounts 28 bytes: an 8-byte upload and 20 bytes of outputs),
 * RETENTION_KEEP_LAST 2, and a fake filesystem view, nearly empty unless a test fills it, so that
 * the quota decides. One Spring context for both suites.
 */
@TestPropertySource(
    properties = {
      "STORAGE_QUOTA_BYTES=1000",
      "RETENTION_KEEP_LAST=2",
      "STORAGE_HIGH_WATERMARK_PERCENT=85",
      "STORAGE_LOW_WATERMARK_PERCENT=80"
    })
@Import(QuotaIT.FakeFilesystem.class)
abstract class QuotaIT extends StorekeeperIT {

  static final String[] ADMIN = {"Authorization", "Bearer " + ADMIN_TOKEN};

  @TestConfiguration(proxyBeanMethods = false)
  static class FakeFilesystem {
    @Bean
    @Primary
    FakeSpace fakeSpace() {
      return new FakeSpace();
    }
  }

  @Autowired CleanupService cleanup;
  @Autowired HoldService holds;
  @Autowired FakeSpace space;
  Fixtures fixtures;
  Http http;

  @BeforeEach
  void fixturesAndAnEmptyFilesystem() {
    fixtures = new Fixtures(jdbc, layout);
    http = new Http(port);
    space.reset();
  }

  @AfterEach
  void emptyFilesystem() {
    space.reset();
  }
}
