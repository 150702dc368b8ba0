package dev.storekeeper.storage.s3;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the SDK client the settings describe. */
final class S3Clients {

  /** With S3_ENDPOINT and no S3_REGION: what MinIO, Ceph and S3Proxy answer to by default. */
  static final Region ENDPOINT_DEFAULT_REGION = Region.US_EAST_1;

  private S3Clients() {}

  static S3Client create(ObjectStorageProperties settings, AwsCredentialsProvider credentials) {
    return builder(settings, credentials).build();
  }

  static S3ClientBuilder builder(
      ObjectStorageProperties settings, AwsCredentialsProvider credentials) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    // the parallel DeleteObjects requests plus uploads and downloads being served
                    .maxConnections(64)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60)))
            .credentialsProvider(credentials)
            .forcePathStyle(settings.pathStyle())
            // checksums only where S3 requires them: S3-compatible stores vary in what they accept
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    settings.endpoint().ifPresent(builder::endpointOverride);
    settings
        .region()
        .map(Region::of)
        .or(() -> settings.endpoint().map(endpoint -> ENDPOINT_DEFAULT_REGION))
        .ifPresent(builder::region);
    return builder;
  }
}
