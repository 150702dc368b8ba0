import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 benchmark's views of the bucket:
 *
 * <pre>
 * S3List mb BUCKET                    create the bucket (an existing one is fine)
 * S3List list BUCKET OUT [PREFIX...]  objects under the prefixes (all without one), through the
 *                                     API: key, size, ETag (unquoted)
 * S3List sweep BUCKET PREFIX...      the least listing an orphan sweep needs: each prefix with
 *                                     delimiter / (objects and common prefixes), counted, timed
 * S3List parts BUCKET PREFIX...      the same entries as the orphan sweep lists them: our
 *                                     ObjectStore.list (target/classes), in parts; counted, timed
 * S3List ages BUCKET FILE THREADS     the age of each prefix in FILE (one a line) as the sweep asks
 *                                     it (ObjectStore.newestUnder), THREADS at once; counted, timed
 * S3List files BUCKET_DIR OUT         every file of S3Proxy's blobstore directory for the bucket:
 *                                     key, size, MD5 of the content (a single PUT's ETag)
 * </pre>
 *
 * <p>Why both: S3Proxy 4.1.0's filesystem blobstore answers each ListObjectsV2 page by walking and
 * sorting the whole directory the prefix names (xattrs and attributes of every file), so listing a
 * bucket of 420,000 objects through the API takes hundreds of pages of that; the harness checks the
 * complete end state on the files and samples it through the API.
 */
public class S3List {

  public static void main(String[] args) throws Exception {
    if (args[0].equals("files")) {
      files(Path.of(args[1]), Path.of(args[2]));
      return;
    }
    try (S3Client s3 = BenchS3.create()) {
      switch (args[0]) {
        case "mb" -> {
          try {
            s3.createBucket(r -> r.bucket(args[1]));
          } catch (BucketAlreadyOwnedByYouException e) {
            // a bucket from an earlier run: the harness empties it
          }
        }
        case "list" -> {
          List<String> prefixes = new ArrayList<>();
          for (int i = 3; i < args.length; i++) {
            prefixes.add(args[i]);
          }
          if (prefixes.isEmpty()) {
            prefixes.add(null);
          }
          long count = 0;
          try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]))) {
            for (String prefix : prefixes) {
              String token = null;
              do {
                String from = token;
                ListObjectsV2Response page =
                    s3.listObjectsV2(
                        r -> r.bucket(args[1]).prefix(prefix).maxKeys(1000).continuationToken(from));
                for (S3Object o : page.contents()) {
                  String etag = o.eTag() == null ? "-" : o.eTag().replace("\"", "");
                  out.write(o.key() + "\t" + o.size() + "\t" + etag + "\n");
                  count++;
                }
                token = page.isTruncated() ? page.nextContinuationToken() : null;
              } while (token != null);
            }
          }
          System.err.println(count + " objects listed");
        }
        case "sweep" -> {
          long started = System.nanoTime();
          long entries = 0;
          int pages = 0;
          for (int i = 2; i < args.length; i++) {
            String prefix = args[i];
            String token = null;
            do {
              String from = token;
              ListObjectsV2Response page =
                  s3.listObjectsV2(
                      r ->
                          r.bucket(args[1])
                              .prefix(prefix)
                              .delimiter("/")
                              .maxKeys(1000)
                              .continuationToken(from));
              entries += page.contents().size() + page.commonPrefixes().size();
              pages++;
              token = page.isTruncated() ? page.nextContinuationToken() : null;
            } while (token != null);
          }
          System.out.println(
              (System.nanoTime() - started) / 1_000_000 + " " + entries + " " + pages);
        }
        case "parts" -> {
          // the service's own listing, on the same client settings: requests counted as they go
          Counted counted = Counted.open(args[1]).warm(args[2]);
          long started = System.nanoTime();
          long entries = 0;
          try (counted) {
            for (int i = 2; i < args.length; i++) {
              for (var entry : counted.store.list(args[i])) {
                entries++;
              }
            }
          }
          System.out.println(
              (System.nanoTime() - started) / 1_000_000 + " " + entries + " " + counted.requests());
        }
        case "ages" -> {
          // the age of each prefix named in the file, as the sweep asks it of an output prefix no
          // job claims (ObjectStore.newestUnder), on as many threads as the sweep's default
          // CLEANUP_FILE_THREADS
          List<String> prefixes = Files.readAllLines(Path.of(args[2]));
          int threads = Integer.parseInt(args[3]);
          Counted counted = Counted.open(args[1]).warm(prefixes.get(0));
          long started = System.nanoTime();
          java.util.concurrent.atomic.AtomicLong dated = new java.util.concurrent.atomic.AtomicLong();
          var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
          try (counted) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String prefix : prefixes) {
              done.add(
                  pool.submit(
                      () -> {
                        if (counted.store.newestUnder(prefix).isPresent()) {
                          dated.incrementAndGet();
                        }
                      }));
            }
            for (var each : done) {
              each.get();
            }
          } finally {
            pool.shutdown();
          }
          System.out.println(
              (System.nanoTime() - started) / 1_000_000
                  + " "
                  + dated.get()
                  + " "
                  + counted.requests());
        }
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  static void files(Path bucketDir, Path outFile) throws IOException {
    HexFormat hex = HexFormat.of();
    try (Stream<Path> walk = Files.walk(bucketDir);
        BufferedWriter out = Files.newBufferedWriter(outFile)) {
      walk.filter(Files::isRegularFile)
          .forEach(
              file -> {
                try {
                  byte[] bytes = Files.readAllBytes(file);
                  String key = bucketDir.relativize(file).toString();
                  out.write(
                      key
                          + "\t"
                          + bytes.length
                          + "\t"
                          + hex.formatHex(MessageDigest.getInstance("MD5").digest(bytes))
                          + "\n");
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                } catch (java.security.NoSuchAlgorithmException e) {
                  throw new IllegalStateException(e);
                }
              });
    }
  }
}

/** Our ObjectStore over a client that counts the requests it sends. */
final class Counted implements AutoCloseable {

  final dev.storekeeper.storage.s3.ObjectStore store;
  private final java.util.concurrent.atomic.AtomicInteger requests;

  private Counted(
      dev.storekeeper.storage.s3.ObjectStore store,
      java.util.concurrent.atomic.AtomicInteger requests) {
    this.store = store;
    this.requests = requests;
  }

  static Counted open(String bucket) {
    java.util.concurrent.atomic.AtomicInteger requests =
        new java.util.concurrent.atomic.AtomicInteger();
    S3Client client =
        S3Client.builder()
            .httpClient(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder().build())
            .credentialsProvider(BenchS3.credentials())
            .forcePathStyle(true)
            .endpointOverride(java.net.URI.create(System.getenv("S3_ENDPOINT")))
            .region(
                software.amazon.awssdk.regions.Region.of(
                    System.getenv().getOrDefault("S3_REGION", "us-east-1")))
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(
                        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                          @Override
                          public void beforeTransmission(
                              software.amazon.awssdk.core.interceptor.Context.BeforeTransmission
                                  context,
                              software.amazon.awssdk.core.interceptor.ExecutionAttributes
                                  attributes) {
                            requests.incrementAndGet();
                          }
                        }))
            .build();
    var settings =
        new dev.storekeeper.storage.s3.ObjectStorageProperties(
            "s3", bucket, "", System.getenv("S3_ENDPOINT"), null, null);
    return new Counted(
        new dev.storekeeper.storage.s3.ObjectStore(
            client,
            settings,
            java.time.Clock.systemUTC(),
            dev.storekeeper.storage.s3.ObjectStore.Limits.DEFAULT),
        requests);
  }

  /**
   * One request (the size of a key that is not there, under {@code prefix}) before the clock
   * starts, so that loading the SDK's classes is not counted as listing; not counted either.
   */
  Counted warm(String prefix) {
    store.head(prefix + "storekeeper-bench-warm-up");
    requests.set(0);
    return this;
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    store.close();
  }
}
