package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A real S3 server for the tests: S3Proxy ({@code -Ds3proxy.jar}, which Maven copies into {@code
 * target/s3proxy/} before the tests run) as its own {@code java -jar} process on 127.0.0.1 with a
 * free port, storing into a temporary directory through jclouds' filesystem blobstore, and signing
 * checked (AWS v2 or v4) against {@link #IDENTITY}/{@link #CREDENTIAL}. Its classes never share the
 * test class path.
 *
 * <p>What S3Proxy 4.1.0's filesystem blobstore does, found by these tests: multipart uploads
 * (create, upload part, complete, abort), ListMultipartUploads with the initiation time,
 * DeleteObjects (quiet too; a missing key is reported deleted, as S3 does; it never reports a
 * per-key error, and answers success even for a bucket that does not exist), ListObjectsV2 with
 * delimiter, common prefixes, continuation tokens and URL-encoded keys, LastModified in whole
 * seconds. It ignores the region a request is signed for.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String IDENTITY = "storekeeper-test";
  public static final String CREDENTIAL = "storekeeper-test-secret";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final Path directory;
  private final Path log;
  private final URI endpoint;

  private S3ProxyServer(Process process, Path directory, Path log, URI endpoint) {
    this.process = process;
    this.directory = directory;
    this.log = log;
    this.endpoint = endpoint;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    assertThat(jar)
        .as("the S3Proxy jar (mvn process-test-resources copies it; -Ds3proxy.jar)")
        .isRegularFile();
    return jar.toAbsolutePath();
  }

  /** Starts S3Proxy and returns once it answers HTTP requests. */
  public static S3ProxyServer start() {
    try {
      Path directory = Files.createTempDirectory("s3proxy");
      Path blobs = Files.createDirectory(directory.resolve("blobs"));
      int port = freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Path properties = directory.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=" + endpoint,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + IDENTITY,
              "s3proxy.credential=" + CREDENTIAL,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + blobs,
              ""),
          StandardCharsets.UTF_8);
      Path log = directory.resolve("s3proxy.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-Xmx256m",
                      "-XX:TieredStopAtLevel=1",
                      "-jar",
                      jar().toString(),
                      "--properties",
                      properties.toString()))
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().put("LOG_LEVEL", "warn");
      S3ProxyServer server = new S3ProxyServer(builder.start(), directory, log, endpoint);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/")).GET().build();
    Awaitility.await("S3Proxy answering at " + endpoint)
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              assertThat(process.isAlive()).as("S3Proxy still running: %s", output()).isTrue();
              // any answer (403 for an unsigned request) means Jetty is up and S3Proxy behind it
              return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() > 0;
            });
  }

  /** A port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The directory the blobstore keeps buckets in: one subdirectory per bucket. */
  public Path blobs() {
    return directory.resolve("blobs");
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
