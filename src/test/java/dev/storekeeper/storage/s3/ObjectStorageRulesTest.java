package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Map;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectStorageRulesTest {

  private static ObjectStorageProperties s3(
      String bucket, String prefix, String endpoint, String region) {
    return new ObjectStorageProperties("s3", bucket, prefix, endpoint, region, null);
  }

  private static Map<String, String> problems(ObjectStorageProperties settings) {
    return ObjectStorageRules.problems(settings);
  }

  @Test
  void acceptsTheDefaultFilesystemBackendWhateverTheS3SettingsSay() {
    assertThat(problems(new ObjectStorageProperties(null, null, null, null, null, null))).isEmpty();
    assertThat(
            problems(
                new ObjectStorageProperties(
                    "filesystem", "Not_A_Bucket", "../x", "ftp://x", "??", null)))
        .isEmpty();
  }

  @Test
  void acceptsACompleteS3Configuration() {
    assertThat(problems(s3("storekeeper-data", "prod/sk", "http://127.0.0.1:9000", "eu-west-1")))
        .isEmpty();
    assertThat(problems(s3("a.b-c", "", "https://minio.internal/", null))).isEmpty();
    assertThat(problems(new ObjectStorageProperties("S3", "bucket", null, null, null, null)))
        .isEmpty();
  }

  /** As the settings check and Spring's binding run it: through Bean Validation. */
  @Test
  void reportsEachProblemOnItsOwnPropertyThroughBeanValidation() {
    Validator validator =
        Validation.byDefaultProvider()
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory()
            .getValidator();

    var violations = validator.validate(s3("Bad{Bucket}", "../x", "ftp://$x", null));

    assertThat(violations)
        .extracting(v -> v.getPropertyPath().toString(), ConstraintViolation::getMessage)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "s3Bucket", ObjectStorageRules.bucketProblem("Bad{Bucket}")),
            org.assertj.core.groups.Tuple.tuple("s3Prefix", "must not contain . or .. segments"),
            org.assertj.core.groups.Tuple.tuple(
                "s3Endpoint", "must be an http:// or https:// URL such as http://127.0.0.1:9000"));
    assertThat(validator.validate(s3("good-bucket", "p", null, null))).isEmpty();
  }

  @Test
  void refusesAnUnknownBackend() {
    assertThat(problems(new ObjectStorageProperties("minio", "b", null, null, null, null)))
        .containsOnlyKeys("storageBackend");
  }

  @Test
  void requiresABucketForS3() {
    assertThat(problems(s3(null, null, null, null)))
        .containsEntry("s3Bucket", "must be set when STORAGE_BACKEND is s3");
    assertThat(problems(s3("  ", null, null, null))).containsOnlyKeys("s3Bucket");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ab",
        "UpperCase",
        "under_score",
        "-leading",
        "trailing-",
        "two..dots",
        "dot.-dash",
        "192.168.1.10",
        "xn--punycode",
        "thing-s3alias",
        "spa ce",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void refusesAnInvalidBucketName(String bucket) {
    assertThat(problems(s3(bucket, null, null, null))).containsOnlyKeys("s3Bucket");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://host",
        "127.0.0.1:9000",
        "http://",
        "not a url",
        "http://u:p@host",
        "http://h/?x=1",
        "http://h/bucket"
      })
  void refusesAnEndpointThatIsNotABareHttpUrl(String endpoint) {
    assertThat(problems(s3("bucket", null, endpoint, null))).containsOnlyKeys("s3Endpoint");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/../b", "/abs", "a//b", "./a", "line\nbreak", "tab\t", "nul\0"})
  void refusesAPrefixThatCouldClimbOrHidesControlCharacters(String prefix) {
    assertThat(problems(s3("bucket", prefix, null, null))).containsOnlyKeys("s3Prefix");
  }

  @Test
  void refusesAnOverlongPrefix() {
    assertThat(problems(s3("bucket", "p".repeat(511), null, null))).isEmpty();
    assertThat(problems(s3("bucket", "p".repeat(512), null, null))).containsOnlyKeys("s3Prefix");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EU-WEST-1", "eu west 1", "eu_west_1", "-x"})
  void refusesAnInvalidRegion(String region) {
    assertThat(problems(s3("bucket", null, null, region))).containsOnlyKeys("s3Region");
  }

  @Test
  void normalisesThePrefixToEndWithOneSlash() {
    assertThat(s3("b", "", null, null).prefix()).isEmpty();
    assertThat(s3("b", null, null, null).prefix()).isEmpty();
    assertThat(s3("b", "a/b", null, null).prefix()).isEqualTo("a/b/");
    assertThat(s3("b", "a/b/", null, null).prefix()).isEqualTo("a/b/");
  }

  @Test
  void usesPathStyleByDefaultOnlyWithAnEndpoint() {
    assertThat(s3("b", null, "http://127.0.0.1:9000", null).pathStyle()).isTrue();
    assertThat(s3("b", null, null, null).pathStyle()).isFalse();
    assertThat(
            new ObjectStorageProperties("s3", "b", null, "http://h:9000", null, false).pathStyle())
        .isFalse();
    assertThat(new ObjectStorageProperties("s3", "b", null, null, null, true).pathStyle()).isTrue();
  }
}
