package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Http;
import dev.storekeeper.OnH2;
import dev.storekeeper.StorekeeperIT;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Free space below STORAGE_MIN_FREE_MB: uploads are refused before anything is written. */
@OnH2
@TestPropertySource(properties = "STORAGE_MIN_FREE_MB=1000000000")
class LowDiskSpaceH2IT extends StorekeeperIT {

  @Test
  void refusesUploadsWith507AndWritesNothing() throws Exception {
    Http.Response response = new Http(port).upload("file", "scan.csv", "a,b\n".getBytes());

    assertThat(response.status()).isEqualTo(507);
    assertThat(response.json().get("detail").asText()).contains("STORAGE_MIN_FREE_MB");
    try (Stream<java.nio.file.Path> files = Files.list(layout.uploadsRoot())) {
      assertThat(files).isEmpty();
    }
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
    assertThat(new Http(port).get("/health", "Authorization", "Bearer " + ADMIN_TOKEN).body())
        .contains("STORAGE_MIN_FREE_MB");
  }
}
