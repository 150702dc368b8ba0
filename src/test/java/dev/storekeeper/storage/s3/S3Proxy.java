package dev.storekeeper.storage.s3;

import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A test class's S3 bucket on the shared {@link S3ProxyServer}: {@code @RegisterExtension static
 * final S3Proxy s3 = new S3Proxy();}. The server starts once for the whole test run (the first
 * class that needs it starts it, the end of the run stops it); each class gets a bucket of its own.
 */
public final class S3Proxy implements BeforeAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(S3Proxy.class);

  private S3ProxyServer server;
  private String bucket;

  @Override
  public void beforeAll(ExtensionContext context) {
    server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .computeIfAbsent(
                S3ProxyServer.class, type -> S3ProxyServer.start(), S3ProxyServer.class);
    bucket = "sk-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    try (S3Client client = client()) {
      client.createBucket(r -> r.bucket(bucket));
    }
  }

  public URI endpoint() {
    return server.endpoint();
  }

  public String bucket() {
    return bucket;
  }

  public S3ProxyServer server() {
    return server;
  }

  public static AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL));
  }

  /** The settings of this class's bucket with {@code prefix}, as an operator would write them. */
  public ObjectStorageProperties settings(String prefix) {
    return new ObjectStorageProperties("s3", bucket, prefix, endpoint().toString(), null, null);
  }

  /** A client of this server, signing with the test identity. */
  public S3Client client() {
    return S3Clients.create(settings(""), credentials());
  }

  /** A store on this class's bucket under {@code prefix} whose requests {@code counter} sees. */
  ObjectStore store(String prefix, Clock clock, ObjectStore.Limits limits, RequestCounter counter) {
    ObjectStorageProperties settings = settings(prefix);
    S3Client client =
        S3Clients.builder(settings, credentials())
            .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
            .build();
    return new ObjectStore(client, settings, clock, limits);
  }

  /** A store on this class's bucket under {@code prefix}. */
  public ObjectStore store(String prefix, Clock clock, ObjectStore.Limits limits) {
    ObjectStorageProperties settings = settings(prefix);
    return new ObjectStore(S3Clients.create(settings, credentials()), settings, clock, limits);
  }
}
