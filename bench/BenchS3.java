import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client of the benchmark's own programs (floor, listing), built as the service builds its
 * own (src/main/java/dev/storekeeper/storage/s3/S3Clients.java: Apache HttpClient 5, checksums
 * only where required, path style), from the same settings: S3_ENDPOINT, S3_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY.
 */
final class BenchS3 {

  private BenchS3() {}

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(
            System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY")));
  }

  static software.amazon.awssdk.services.s3.S3Client create() {
    return software.amazon.awssdk.services.s3.S3Client.builder()
        .httpClientBuilder(
            Apache5HttpClient.builder()
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60)))
        .credentialsProvider(credentials())
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .endpointOverride(URI.create(System.getenv("S3_ENDPOINT")))
        .region(Region.of(System.getenv().getOrDefault("S3_REGION", "us-east-1")))
        .build();
  }
}
