package dev.storekeeper.storage.s3;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@code S3_PRESIGNED_DOWNLOADS=true}: a download of an output is answered with a redirect to a
 * presigned GET of its object, valid for {@link #VALIDITY}, so the bytes go from the store to the
 * client without passing through the service. The request is authenticated first, exactly as a
 * streamed download; the URL then grants that one object for those minutes to whoever holds it,
 * which is why it is off by default. The name reaches the client in the signed {@code
 * Content-Disposition}, as the service would send it. Signing is local: no request is made.
 */
public final class PresignedDownloads implements AutoCloseable {

  /** How long a presigned URL works: enough to start a download, short enough to leak little. */
  public static final Duration VALIDITY = Duration.ofMinutes(5);

  private final S3Presigner presigner;
  private final String bucket;
  private final ObjectKeys keys;

  PresignedDownloads(
      ObjectStorageProperties settings, AwsCredentialsProvider credentials, ObjectKeys keys) {
    S3Presigner.Builder builder =
        S3Presigner.builder()
            .credentialsProvider(credentials)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
    settings.endpoint().ifPresent(builder::endpointOverride);
    settings
        .region()
        .map(Region::of)
        .or(() -> settings.endpoint().map(endpoint -> S3Clients.ENDPOINT_DEFAULT_REGION))
        .ifPresent(builder::region);
    this.presigner = builder.build();
    this.bucket = settings.s3Bucket();
    this.keys = keys;
  }

  /** A URL that GETs {@code key} for {@link #VALIDITY}, answering with this disposition. */
  public URI url(String key, String contentDisposition) {
    keys.requireOurs(key);
    return URI.create(
        presigner
            .presignGetObject(
                p ->
                    p.signatureDuration(VALIDITY)
                        .getObjectRequest(
                            r ->
                                r.bucket(bucket)
                                    .key(key)
                                    .responseContentDisposition(contentDisposition)))
            .url()
            .toString());
  }

  @Override
  public void close() {
    presigner.close();
  }
}
