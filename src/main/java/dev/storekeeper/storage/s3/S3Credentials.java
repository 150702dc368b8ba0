package dev.storekeeper.storage.s3;

import org.springframework.core.env.PropertyResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The credentials for the bucket: the AWS SDK's default chain (environment, profiles, web identity,
 * container and instance roles), except that {@code AWS_ACCESS_KEY_ID} and {@code
 * AWS_SECRET_ACCESS_KEY} are also read from the settings file, like every other setting: the SDK
 * itself only sees the process environment, and an operator who keeps the service's settings in
 * {@code .env} expects them to apply.
 */
final class S3Credentials {

  static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  private S3Credentials() {}

  static AwsCredentialsProvider from(PropertyResolver settings) {
    String id = settings.getProperty(ACCESS_KEY_ID, "");
    String secret = settings.getProperty(SECRET_ACCESS_KEY, "");
    if (id.isBlank() || secret.isBlank()) {
      return DefaultCredentialsProvider.builder().build();
    }
    String token = settings.getProperty(SESSION_TOKEN, "");
    return StaticCredentialsProvider.create(
        token.isBlank()
            ? AwsBasicCredentials.create(id, secret)
            : AwsSessionCredentials.create(id, secret, token));
  }
}
