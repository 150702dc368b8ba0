package dev.storekeeper.storage.s3;

import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bucket the Spring tests of the s3 backend ({@link OnS3}) run the application against: one
 * S3Proxy process and one bucket for the whole test run, published as system properties before the
 * first such context starts, so that the application's settings ({@code S3_ENDPOINT}, {@code
 * S3_BUCKET}) can name them and the context is shared between test classes like any other.
 */
public final class S3Backend implements BeforeAllCallback {

  static final String ENDPOINT = "storekeeper.test.s3.endpoint";
  static final String BUCKET = "storekeeper.test.s3.bucket";

  private static S3ProxyServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  static synchronized void start() {
    if (server != null) {
      return;
    }
    S3ProxyServer started = S3ProxyServer.start();
    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "s3proxy-stop"));
    String bucket =
        "sk-it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    ObjectStorageProperties settings =
        new ObjectStorageProperties("s3", bucket, "", started.endpoint().toString(), null, null);
    try (S3Client client = S3Clients.create(settings, S3Proxy.credentials())) {
      client.createBucket(r -> r.bucket(bucket));
    }
    System.setProperty(ENDPOINT, started.endpoint().toString());
    System.setProperty(BUCKET, bucket);
    server = started;
  }

  /** The application's bucket settings, for a store of the test's own. */
  public static ObjectStorageProperties settings(String prefix) {
    start();
    return new ObjectStorageProperties(
        "s3", System.getProperty(BUCKET), prefix, System.getProperty(ENDPOINT), null, null);
  }

  private static S3Client shared;

  /** One client for the whole run, never closed (the fixtures' many small requests). */
  public static synchronized S3Client sharedClient() {
    if (shared == null) {
      shared = client();
    }
    return shared;
  }

  /**
   * The file the server keeps an object of the shared bucket in: its time is the object's {@code
   * LastModified} (S3Proxy's filesystem blobstore).
   */
  public static Path blobFile(String bucket, String key) {
    start();
    return server.blobs().resolve(bucket).resolve(key);
  }

  /** The shared server's endpoint. */
  public static String endpoint() {
    start();
    return System.getProperty(ENDPOINT);
  }

  /** A new, empty bucket on the shared server, for a test class of its own. */
  public static String newBucket() {
    String bucket = "sk-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    sharedClient().createBucket(r -> r.bucket(bucket));
    return bucket;
  }

  /** A client of the test's own, outside the application (to look at the bucket, to plant keys). */
  public static S3Client client() {
    return S3Clients.create(settings(""), S3Proxy.credentials());
  }
}
