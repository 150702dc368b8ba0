package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.storage.s3.ObjectStorageProperties;
import dev.storekeeper.storage.s3.S3Proxy;
import dev.storekeeper.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The object-storage settings (issue 13) stop start-up naming the variable: invalid values before
 * the bucket is contacted, then the probe of the bucket (a real S3 server), then the refusal of a
 * backend this version cannot run on yet. The application is started in-process with the settings
 * as its environment, like {@link SettingsIT}; {@link ObjectStorageStartupIT} starts the jar.
 */
class ObjectStorageSettingsIT {

  @TempDir static Path dataDir;

  @RegisterExtension static final S3Proxy s3 = new S3Proxy();

  /** SettingsIT's start-up helpers keep their data directory in its static field. */
  @BeforeAll
  static void useOwnDataDirectory() {
    SettingsIT.dataDir = dataDir;
  }

  @Test
  void theFilesystemBackendStartsWhateverTheS3SettingsSay() {
    try (ConfigurableApplicationContext context =
        SettingsIT.start(
            Map.of(
                "S3_BUCKET", "Not_A_Bucket",
                "S3_PREFIX", "../x",
                "S3_ENDPOINT", "ftp://nowhere",
                "S3_REGION", "??"))) {
      assertThat(context.getBean(ObjectStorageProperties.class).isS3()).isFalse();
    }
  }

  private static String refusal(Map<String, String> variables) {
    return SettingsIT.failureDescription(variables);
  }

  @Test
  void aPresignedDownloadsValueThatIsNoBooleanIsNamed() {
    assertThat(SettingsIT.problems(refusal(Map.of("S3_PRESIGNED_DOWNLOADS", "maybe"))))
        .containsExactly(
            "  - S3_PRESIGNED_DOWNLOADS has the value \"maybe\", which is not a valid boolean (true"
                + " or false)");
  }

  @Test
  void s3WithoutABucketNamesS3Bucket() {
    assertThat(SettingsIT.problems(refusal(Map.of("STORAGE_BACKEND", "s3"))))
        .containsExactly("  - S3_BUCKET must be set when STORAGE_BACKEND is s3; it is not set");
  }

  @Test
  void anUnknownBackendNamesStorageBackend() {
    assertThat(SettingsIT.problems(refusal(Map.of("STORAGE_BACKEND", "minio"))))
        .containsExactly("  - STORAGE_BACKEND must be filesystem or s3, got \"minio\"");
  }

  @Test
  void everyBadS3ValueGetsItsOwnLine() {
    String description =
        refusal(
            Map.of(
                "STORAGE_BACKEND", "s3",
                "S3_BUCKET", "My_Bucket",
                "S3_PREFIX", "../escape",
                "S3_ENDPOINT", "ftp://files.example",
                "S3_REGION", "EU WEST"));

    assertThat(SettingsIT.problems(description))
        .containsExactlyInAnyOrder(
            "  - S3_BUCKET must be a bucket name: 3 to 63 lower-case letters, digits, dots and"
                + " hyphens, starting and ending with a letter or digit, no two dots in a row, not"
                + " an IP address, got \"My_Bucket\"",
            "  - S3_PREFIX must not contain . or .. segments, got \"../escape\"",
            "  - S3_ENDPOINT must be an http:// or https:// URL such as http://127.0.0.1:9000,"
                + " got \"ftp://files.example\"",
            "  - S3_REGION must be a region name such as us-east-1 or eu-central-1, got \"EU WEST\"");
  }

  @Test
  void aPrefixWithALeadingSlashOrAControlCharacterNamesS3Prefix() {
    assertThat(
            SettingsIT.problems(
                refusal(Map.of("STORAGE_BACKEND", "s3", "S3_BUCKET", "b-1", "S3_PREFIX", "/abs"))))
        .containsExactly(
            "  - S3_PREFIX must not start with / (keys are relative to the bucket), got \"/abs\"");
    assertThat(
            SettingsIT.problems(
                refusal(Map.of("STORAGE_BACKEND", "s3", "S3_BUCKET", "b-1", "S3_PREFIX", "a\nb"))))
        .singleElement()
        .asString()
        .startsWith("  - S3_PREFIX must not contain control characters");
  }

  @Test
  void anEndpointWithCredentialsIsRefusedWithoutShowingThemElsewhere() {
    assertThat(
            SettingsIT.problems(
                refusal(
                    Map.of(
                        "STORAGE_BACKEND",
                        "s3",
                        "S3_BUCKET",
                        "b-1",
                        "S3_ENDPOINT",
                        "http://key:secret@127.0.0.1:9000"))))
        .singleElement()
        .asString()
        .startsWith("  - S3_ENDPOINT must not contain credentials");
  }

  @Test
  void aPathStyleThatIsNotABooleanNamesS3PathStyle() {
    assertThat(
            SettingsIT.problems(
                refusal(
                    Map.of("STORAGE_BACKEND", "s3", "S3_BUCKET", "b-1", "S3_PATH_STYLE", "maybe"))))
        .containsExactly(
            "  - S3_PATH_STYLE has the value \"maybe\", which is not a valid boolean (true or"
                + " false)");
  }

  @Test
  void anotherToolsNameForAnS3SettingIsNotIgnored() {
    assertThat(SettingsIT.problems(refusal(Map.of("S3_ENDPOINT_URL", "http://127.0.0.1:9000"))))
        .containsExactly(
            "  - S3_ENDPOINT_URL (in the environment) is not a setting; did you mean S3_ENDPOINT?");
  }

  @Test
  void aMisspelledS3SettingIsNotIgnored() {
    assertThat(SettingsIT.problems(refusal(Map.of("S3_BUCKT", "data"))))
        .containsExactly(
            "  - S3_BUCKT (in the environment) is not a setting; did you mean S3_BUCKET?");
  }

  /** A good S3 configuration on the test's S3Proxy, with {@code more} added. */
  private static Map<String, String> onS3Proxy(String... more) {
    Map<String, String> variables = new java.util.HashMap<>();
    variables.put("STORAGE_BACKEND", "s3");
    variables.put("S3_BUCKET", s3.bucket());
    variables.put("S3_ENDPOINT", s3.endpoint().toString());
    variables.put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
    variables.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
    for (int i = 0; i < more.length; i += 2) {
      variables.put(more[i], more[i + 1]);
    }
    return variables;
  }

  @Test
  void aBucketThatPassesTheProbeStartsTheS3Backend() {
    try (ConfigurableApplicationContext context = SettingsIT.start(onS3Proxy("S3_PREFIX", "a/b"))) {
      dev.storekeeper.storage.s3.ObjectStore store =
          context.getBean(dev.storekeeper.storage.s3.ObjectStore.class);
      assertThat(store.keys().prefix()).isEqualTo("a/b/");
      assertThat(store.bucket()).isEqualTo(s3.bucket());
      // the probe cleans up after itself
      assertThat(store.objectsUnder("a/b/")).isEmpty();
    }
  }

  @Test
  void aMissingBucketNamesS3Bucket() {
    assertThat(SettingsIT.problems(refusal(onS3Proxy("S3_BUCKET", "no-such-bucket-here"))))
        .singleElement()
        .asString()
        .startsWith(
            "  - S3_BUCKET: the bucket \"no-such-bucket-here\" does not exist at S3_ENDPOINT "
                + s3.endpoint());
  }

  @Test
  void anEndpointWithNothingListeningNamesS3Endpoint() throws IOException {
    String nowhere = "http://127.0.0.1:" + S3ProxyServer.freePort();

    assertThat(SettingsIT.problems(refusal(onS3Proxy("S3_ENDPOINT", nowhere))))
        .singleElement()
        .asString()
        .startsWith("  - S3_ENDPOINT: nothing accepts connections at S3_ENDPOINT " + nowhere);
  }

  @Test
  void refusedCredentialsAreNamedAndNeverShown() {
    String description = refusal(onS3Proxy("AWS_SECRET_ACCESS_KEY", "wrong-secret-value"));

    assertThat(SettingsIT.problems(description))
        .singleElement()
        .asString()
        .startsWith("  - the credentials were refused by S3_ENDPOINT " + s3.endpoint())
        .contains("check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
    assertThat(description).doesNotContain("wrong-secret-value");
  }
}
