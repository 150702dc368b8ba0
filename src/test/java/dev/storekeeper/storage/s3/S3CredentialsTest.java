package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

class S3CredentialsTest {

  @Test
  void usesAnAccessKeyFromTheSettings() {
    MockEnvironment settings =
        new MockEnvironment()
            .withProperty("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .withProperty("AWS_SECRET_ACCESS_KEY", "secret");

    AwsCredentials credentials = S3Credentials.from(settings).resolveCredentials();

    assertThat(credentials.accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(credentials.secretAccessKey()).isEqualTo("secret");
  }

  @Test
  void includesASessionToken() {
    MockEnvironment settings =
        new MockEnvironment()
            .withProperty("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .withProperty("AWS_SECRET_ACCESS_KEY", "secret")
            .withProperty("AWS_SESSION_TOKEN", "token");

    assertThat(S3Credentials.from(settings).resolveCredentials())
        .isInstanceOfSatisfying(
            AwsSessionCredentials.class, c -> assertThat(c.sessionToken()).isEqualTo("token"));
  }

  @Test
  void leavesEverythingElseToTheSdksChain() {
    assertThat(S3Credentials.from(new MockEnvironment()))
        .isInstanceOf(DefaultCredentialsProvider.class);
    assertThat(
            S3Credentials.from(new MockEnvironment().withProperty("AWS_ACCESS_KEY_ID", "only-id")))
        .isInstanceOf(DefaultCredentialsProvider.class);
  }
}
