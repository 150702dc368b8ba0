package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.storage.s3.S3Proxy;
import dev.storekeeper.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code STORAGE_BACKEND=s3} as an operator meets it: {@code java -jar} with the bucket's settings,
 * the access key in the settings file, probes the bucket (a real S3 server) and serves uploads from
 * it. The failing probes are tested in-process ({@link ObjectStorageSettingsIT}): a start of the
 * jar takes seconds.
 */
class ObjectStorageStartupIT {

  @RegisterExtension static final S3Proxy s3 = new S3Proxy();

  @TempDir Path scratch;

  /** The service's environment with a good S3 configuration, no machine-wide AWS settings. */
  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", scratch.resolve("data").toString());
    env.put("SERVER_PORT", "0");
    env.put("STORAGE_BACKEND", "s3");
    env.put("S3_BUCKET", s3.bucket());
    env.put("S3_ENDPOINT", s3.endpoint().toString());
    // no profile files or instance metadata of the machine running the tests
    env.put("AWS_CONFIG_FILE", scratch.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", scratch.resolve("no-aws-credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }

  @Test
  void startsOnTheBucketWithTheAccessKeyFromTheSettingsFileAndStoresUploadsThere()
      throws IOException {
    // the access key from the settings file, like every other setting (the SDK alone reads only
    // the process environment)
    Files.writeString(
        scratch.resolve(".env"),
        "AWS_ACCESS_KEY_ID=%s%nAWS_SECRET_ACCESS_KEY=%s%n"
            .formatted(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL));
    Map<String, String> env = env();
    env.put("S3_PREFIX", "sk");
    env.put("ADMIN_TOKEN", dev.storekeeper.StorekeeperIT.ADMIN_TOKEN);
    env.put("CLEANUP_ENABLED", "false");
    env.put("STORAGE_MIN_FREE_MB", "0");
    try (ServiceProcess service = ServiceProcess.start(scratch, env, "077")) {
      dev.storekeeper.Http http = new dev.storekeeper.Http(service.awaitPort());
      dev.storekeeper.Http.Response created =
          http.upload("file", "scan.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
      assertThat(created.status()).as(service.output()).isEqualTo(201);
      String id = created.json().get("id").asText();
      assertThat(service.output()).doesNotContain(S3ProxyServer.CREDENTIAL);
      try (S3Client client = s3.client()) {
        assertThat(
                client
                    .listObjectsV2(r -> r.bucket(s3.bucket()).prefix("sk/uploads/"))
                    .contents()
                    .stream()
                    .map(o -> o.key())
                    .toList())
            .containsExactly("sk/uploads/" + id + "_scan.csv");
        assertThat(
                client
                    .listObjectsV2(r -> r.bucket(s3.bucket()).prefix("sk/.storekeeper/"))
                    .contents())
            .as("the probe deletes its object")
            .isEmpty();
      }
    }
  }
}
