package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.config.ServiceProcess.Exited;
import dev.storekeeper.storage.s3.S3Proxy;
import dev.storekeeper.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code STORAGE_BACKEND=s3} as an operator meets it in this version: {@code java -jar} with the
 * bucket's settings and credentials in the environment probes the bucket (a real S3 server), then
 * refuses to start, because uploads and cleanup do not run on S3 yet. The failing probes are tested
 * in-process ({@link ObjectStorageSettingsIT}): a start of the jar takes seconds.
 */
class ObjectStorageStartupIT {

  @RegisterExtension static final S3Proxy s3 = new S3Proxy();

  @TempDir Path scratch;

  /** The service jar with a good S3 configuration; {@code settings} override, "" removes. */
  private Exited run(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", scratch.resolve("data").toString());
    env.put("SERVER_PORT", "0");
    env.put("STORAGE_BACKEND", "s3");
    env.put("S3_BUCKET", s3.bucket());
    env.put("S3_ENDPOINT", s3.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
    env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
    // no profile files or instance metadata of the machine running the tests
    env.put("AWS_CONFIG_FILE", scratch.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", scratch.resolve("no-aws-credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.putAll(settings);
    env.values().removeIf(String::isEmpty);
    return ServiceProcess.runToExit(scratch, env, Duration.ofSeconds(120));
  }

  private static void assertRefusedBeforeAnythingStarted(Exited exited) {
    assertThat(exited.exitCode()).as(exited.output()).isNotZero();
    assertThat(exited.output())
        .contains("APPLICATION FAILED TO START")
        .contains("Invalid configuration:")
        .doesNotContain("\tat ")
        .doesNotContain("Tomcat")
        .doesNotContain("HikariPool")
        .doesNotContain("Flyway");
  }

  @Test
  void probesTheBucketThenRefusesBecauseS3IsNotAvailableYet() throws IOException {
    // the access key from the settings file, like every other setting (the SDK alone reads only
    // the process environment)
    Files.writeString(
        scratch.resolve(".env"),
        "AWS_ACCESS_KEY_ID=%s%nAWS_SECRET_ACCESS_KEY=%s%n"
            .formatted(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL));
    Map<String, String> settings = new HashMap<>();
    settings.put("S3_PREFIX", "sk");
    settings.put("AWS_ACCESS_KEY_ID", "");
    settings.put("AWS_SECRET_ACCESS_KEY", "");
    Exited exited = run(settings);

    System.out.printf(
        "service jar, STORAGE_BACKEND=s3 with a good bucket: JVM start to exit %d ms%n",
        exited.took().toMillis());
    assertRefusedBeforeAnythingStarted(exited);
    assertThat(exited.output())
        .contains("STORAGE_BACKEND=s3 is validated but not yet available in this version")
        .contains("the probe of bucket \"" + s3.bucket() + "\" at S3_ENDPOINT " + s3.endpoint())
        .contains("sk/.storekeeper/probe-")
        .doesNotContain(S3ProxyServer.CREDENTIAL);
    try (S3Client client = s3.client()) {
      assertThat(client.listObjectsV2(r -> r.bucket(s3.bucket()).prefix("sk/")).contents())
          .as("the probe deletes its object")
          .isEmpty();
    }
    assertThat(scratch.resolve("data").resolve("uploads")).doesNotExist();
  }
}
