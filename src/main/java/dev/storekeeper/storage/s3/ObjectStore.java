package dev.storekeeper.storage.s3;

import dev.storekeeper.storage.Futures;
import dev.storekeeper.storage.s3.DeleteOutcome.KeyError;
import dev.storekeeper.storage.s3.ListEntry.CommonPrefix;
import dev.storekeeper.storage.s3.ListEntry.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.core.env.PropertyResolver;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The object-storage operations the storage lifecycle needs, on one bucket and prefix, in bounded
 * memory: streaming put (one PUT below a part's size, multipart above, the upload aborted on any
 * failure), streaming get, head, listings that hold one page at a time, batched deletes with
 * per-key errors, and the abort of stale multipart uploads. Every key passes {@link
 * ObjectKeys#requireOurs} before a request is sent.
 *
 * <p>Crash safety of a put: until {@code CompleteMultipartUpload} succeeds the key does not exist;
 * a process killed mid-upload leaves an incomplete multipart upload, invisible to listings and
 * removed by {@link #abortUploadsInitiatedBefore} once older than the grace window.
 */
public final class ObjectStore implements AutoCloseable {

  /** S3's smallest part (except the last). */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  /** S3's most parts in one upload. */
  static final int MAX_PARTS = 10_000;

  /** S3's most keys in one DeleteObjects request, and in one listing page. */
  public static final int MAX_BATCH = 1000;

  /**
   * How the store is driven. {@code partSize}: the put threshold and multipart part size, the
   * memory one put holds; {@code pageSize}: keys per listing page; {@code deleteBatch}: keys per
   * DeleteObjects request; {@code parallelism}: requests in flight at once (DeleteObjects, and the
   * parts of a long listing).
   */
  public record Limits(int partSize, int pageSize, int deleteBatch, int parallelism) {

    public static final Limits DEFAULT = new Limits(8 * 1024 * 1024, MAX_BATCH, MAX_BATCH, 4);

    public Limits {
      if (partSize < MIN_PART_SIZE) {
        throw new IllegalArgumentException("partSize must be at least 5 MiB: " + partSize);
      }
      if (pageSize < 1 || pageSize > MAX_BATCH || deleteBatch < 1 || deleteBatch > MAX_BATCH) {
        throw new IllegalArgumentException("pageSize and deleteBatch must be 1..1000");
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1");
      }
    }
  }

  private final S3Client s3;
  private final String bucket;
  private final ObjectKeys keys;
  private final Clock clock;
  private final Limits limits;
  private final S3Failures failures;
  private final ExecutorService deletes;
  private final ExecutorService listings;

  public ObjectStore(S3Client s3, ObjectStorageProperties settings, Clock clock, Limits limits) {
    this.s3 = s3;
    this.bucket = settings.s3Bucket();
    this.keys = new ObjectKeys(settings.prefix());
    this.clock = clock;
    this.limits = limits;
    this.failures = new S3Failures(settings);
    this.deletes = daemons("s3-delete-", limits.parallelism());
    // a listing's parts are fetched here; a fetch never waits for its reader (PartitionedListing)
    this.listings = daemons("s3-list-", limits.parallelism());
  }

  private static ExecutorService daemons(String name, int count) {
    AtomicInteger threads = new AtomicInteger();
    return Executors.newFixedThreadPool(
        count,
        task -> {
          Thread thread = new Thread(task, name + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * The store the settings describe, with the AWS SDK's default credentials chain, or the access
   * key in the settings file ({@link S3Credentials}).
   */
  public static ObjectStore open(
      ObjectStorageProperties settings, PropertyResolver environment, Clock clock) {
    return open(settings, S3Credentials.from(environment), clock);
  }

  public static ObjectStore open(
      ObjectStorageProperties settings, AwsCredentialsProvider credentials, Clock clock) {
    S3Client client;
    try {
      client = S3Clients.create(settings, credentials);
    } catch (SdkException e) {
      throw new ObjectStoreException(
          new S3Failures(settings).describe("configuring the S3 client", e), e);
    }
    return new ObjectStore(client, settings, clock, Limits.DEFAULT);
  }

  public ObjectKeys keys() {
    return keys;
  }

  public String bucket() {
    return bucket;
  }

  /**
   * Writes, reads back, lists and deletes an object under {@code {prefix}.storekeeper/}: the bucket
   * exists, and the credentials may write, read, list and delete there. Returns the key it used.
   *
   * @throws ObjectStoreException naming the setting at fault
   */
  public String probe() {
    String key = keys.requireOurs(keys.servicePrefix() + "probe-" + UUID.randomUUID());
    byte[] content = ("storekeeper probe " + clock.instant()).getBytes(StandardCharsets.UTF_8);
    call(
        "writing the probe object " + key,
        () -> s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(content)));
    byte[] read =
        call(
            "reading the probe object " + key,
            () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
    if (!Arrays.equals(read, content)) {
      throw new ObjectStoreException(
          "S3_ENDPOINT: %s returned other bytes for the probe object %s than were written"
              .formatted(failures.where(), key),
          null);
    }
    // the orphan sweep lists: a key that may write but not list must fail here, not at 3 a.m.
    call(
        "listing " + keys.servicePrefix(),
        () -> s3.listObjectsV2(r -> r.bucket(bucket).prefix(keys.servicePrefix()).maxKeys(1)));
    call("deleting the probe object " + key, () -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
    return key;
  }

  /**
   * Stores {@code in} under {@code key}, holding at most one part in memory: one PUT when the
   * stream ends within a part, a multipart upload otherwise. On any failure, the stream's included,
   * the multipart upload is aborted and nothing is left at {@code key}. Returns the bytes stored.
   *
   * @throws IOException when reading {@code in} fails
   * @throws ObjectStoreException when the store fails
   */
  public long put(String key, InputStream in) throws IOException {
    keys.requireOurs(key);
    byte[] buffer = new byte[limits.partSize()];
    int first = in.readNBytes(buffer, 0, buffer.length);
    if (first < buffer.length) {
      call(
          "writing " + key,
          () ->
              s3.putObject(
                  r -> r.bucket(bucket).key(key).contentLength((long) first), body(buffer, first)));
      return first;
    }
    String uploadId =
        call(
            "starting the multipart upload of " + key,
            () -> s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId());
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long total = 0;
      int length = first;
      while (length > 0) {
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
          throw new ObjectStoreException(
              "%s is larger than %d parts of %d bytes".formatted(key, MAX_PARTS, buffer.length),
              null);
        }
        int size = length;
        String etag =
            call(
                "writing part " + partNumber + " of " + key,
                () ->
                    s3.uploadPart(
                            r ->
                                r.bucket(bucket)
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(partNumber)
                                    .contentLength((long) size),
                            body(buffer, size))
                        .eTag());
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        total += size;
        length = in.readNBytes(buffer, 0, buffer.length);
      }
      call(
          "completing the multipart upload of " + key,
          () ->
              s3.completeMultipartUpload(
                  r ->
                      r.bucket(bucket)
                          .key(key)
                          .uploadId(uploadId)
                          .multipartUpload(m -> m.parts(parts))));
      return total;
    } catch (IOException | RuntimeException | Error e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException abort) {
        // the orphan sweep aborts it after the grace window
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  private static RequestBody body(byte[] buffer, int length) {
    // no copy of the part: the SDK re-reads the stream (mark/reset) when it retries
    return RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length);
  }

  /** The object's content, streamed; the caller closes it. Empty when there is no such key. */
  public Optional<InputStream> get(String key) {
    keys.requireOurs(key);
    try {
      return Optional.of(s3.getObject(r -> r.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new ObjectStoreException(failures.describe("reading " + key, e), e);
    }
  }

  /** An object's content, streamed (the caller closes it), and its size. */
  public record Fetched(InputStream content, long size) {}

  /** The object's content and size in one request; empty when there is no such key. */
  public Optional<Fetched> fetch(String key) {
    keys.requireOurs(key);
    try {
      var response = s3.getObject(r -> r.bucket(bucket).key(key));
      return Optional.of(new Fetched(response, response.response().contentLength()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new ObjectStoreException(failures.describe("reading " + key, e), e);
    }
  }

  /** Size and last modification of the object, or empty when there is no such key. */
  public Optional<StoredObject> head(String key) {
    keys.requireOurs(key);
    try {
      HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(key));
      return Optional.of(new StoredObject(key, head.contentLength(), head.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(S3Failures.code(e))) {
        return Optional.empty();
      }
      throw new ObjectStoreException(failures.describe("reading the size of " + key, e), e);
    } catch (SdkException e) {
      throw new ObjectStoreException(failures.describe("reading the size of " + key, e), e);
    }
  }

  /**
   * The entries directly below {@code prefix} (delimiter {@code /}): objects, and common prefixes
   * for the "directories" ({@code outputs/{job_id}/}), each once, in key order. Lazy: nothing is
   * asked before the first entry is. Longer than a page, it goes on in parts ({@link
   * PartitionedListing}), {@code parallelism} of them listed at once, each at most two pages ahead
   * of the reader: a million keys take the memory of a few pages, and a store that walks a
   * directory for every page does not walk the whole prefix for each.
   */
  public Iterable<ListEntry> list(String prefix) {
    String checked = requireListable(prefix);
    return () ->
        new PartitionedListing(
            checked,
            () -> {
              PartitionedListing.Fetched first = page(checked, "/", null, null);
              return new PartitionedListing.Page(first.entries(), first.next() != null);
            },
            (listPrefix, startAfter, token) -> page(listPrefix, "/", startAfter, token),
            listings,
            limits.parallelism());
  }

  /** Every object below {@code prefix}, at any depth, lazily, one page at a time. */
  public Iterable<StoredObject> objectsUnder(String prefix) {
    String checked = requireListable(prefix);
    return () -> {
      Iterator<ListEntry> entries = new Pages(checked, null);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return entries.hasNext();
        }

        @Override
        public StoredObject next() {
          return (StoredObject) entries.next();
        }
      };
    };
  }

  /** When the newest object below {@code prefix} was written; empty when there is none. */
  public Optional<Instant> newestUnder(String prefix) {
    Instant newest = null;
    for (StoredObject object : objectsUnder(prefix)) {
      if (newest == null || object.lastModified().isAfter(newest)) {
        newest = object.lastModified();
      }
    }
    return Optional.ofNullable(newest);
  }

  /**
   * Deletes {@code keys} with DeleteObjects, at most {@code deleteBatch} keys a request and at most
   * {@code parallelism} requests in flight, so memory stays bounded however many keys the iterable
   * yields. A key the store did not delete, a key refused as unsafe (never sent), and every key of
   * a request that failed as a whole are returned as errors; the rest are deleted. A key that did
   * not exist counts as deleted.
   */
  public DeleteOutcome delete(Iterable<String> keys) {
    long deleted = 0;
    List<KeyError> errors = new ArrayList<>();
    Deque<Future<DeleteOutcome>> inFlight = new ArrayDeque<>();
    try {
      List<String> batch = new ArrayList<>();
      for (String key : keys) {
        if (!this.keys.isOurs(key)) {
          errors.add(new KeyError(key, "UnsafeKey", unsafe(key)));
          continue;
        }
        batch.add(key);
        if (batch.size() == limits.deleteBatch()) {
          if (inFlight.size() == limits.parallelism()) {
            DeleteOutcome done = await(inFlight.removeFirst());
            deleted += done.deleted();
            errors.addAll(done.errors());
          }
          inFlight.addLast(send(batch));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        inFlight.addLast(send(batch));
      }
      while (!inFlight.isEmpty()) {
        DeleteOutcome done = await(inFlight.removeFirst());
        deleted += done.deleted();
        errors.addAll(done.errors());
      }
      return new DeleteOutcome(deleted, errors);
    } finally {
      // the keys failed (a listing broke off): no request may outlive the call, whose caller
      // holds the cleanup lock only until it returns
      while (!inFlight.isEmpty()) {
        try {
          inFlight.removeFirst().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (ExecutionException e) {
          // the failure that ended the iteration is the one reported
        }
      }
    }
  }

  /** A DeleteObjects of a copy of {@code batch} (which its caller refills), on the delete pool. */
  private Future<DeleteOutcome> send(List<String> batch) {
    List<String> sent = List.copyOf(batch);
    try {
      return deletes.submit(() -> deleteBatch(sent));
    } catch (RejectedExecutionException e) {
      throw ObjectStoreException.closedDuring("deleting %d objects".formatted(sent.size()), e);
    }
  }

  /** Every object below {@code prefix}, listed and deleted page by page. */
  public DeleteOutcome deleteUnder(String prefix) {
    Iterable<StoredObject> objects = objectsUnder(prefix);
    return delete(
        () -> {
          Iterator<StoredObject> each = objects.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return each.hasNext();
            }

            @Override
            public String next() {
              return each.next().key();
            }
          };
        });
  }

  private DeleteOutcome deleteBatch(List<String> batch) {
    List<String> inXml = new ArrayList<>(batch.size());
    List<String> oneByOne = new ArrayList<>();
    for (String key : batch) {
      (fitsXml(key) ? inXml : oneByOne).add(key);
    }
    long deleted = 0;
    List<KeyError> errors = new ArrayList<>();
    if (!inXml.isEmpty()) {
      List<ObjectIdentifier> objects =
          inXml.stream().map(key -> ObjectIdentifier.builder().key(key).build()).toList();
      try {
        DeleteObjectsResponse response =
            s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(objects).quiet(true)));
        DeleteOutcome outcome = outcomeOf(inXml, response);
        deleted += outcome.deleted();
        errors.addAll(outcome.errors());
      } catch (SdkException e) {
        String reason = failures.describe("deleting " + inXml.size() + " objects", e);
        String code = S3Failures.code(e);
        inXml.forEach(key -> errors.add(new KeyError(key, code, reason)));
      }
    }
    for (String key : oneByOne) {
      try {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
        deleted++;
      } catch (SdkException e) {
        errors.add(new KeyError(key, S3Failures.code(e), failures.describe("deleting " + key, e)));
      }
    }
    return new DeleteOutcome(deleted, errors);
  }

  /**
   * Whether the key can travel in a DeleteObjects XML body: XML 1.0 cannot carry most control
   * characters, and parsers turn a carriage return into a line feed. Such keys (rare, but a name is
   * the client's) are deleted one request each, with the key in the URL.
   */
  static boolean fitsXml(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' || c == '\r' || c == 0xFFFE || c == 0xFFFF) {
        return false;
      }
    }
    return true;
  }

  /**
   * A quiet DeleteObjects answer lists only the keys it did not delete; every other key of the
   * batch is gone.
   */
  static DeleteOutcome outcomeOf(List<String> batch, DeleteObjectsResponse response) {
    List<KeyError> errors = new ArrayList<>();
    Set<String> failed = new HashSet<>();
    for (S3Error error : response.errors()) {
      errors.add(new KeyError(error.key(), error.code(), error.message()));
      failed.add(error.key());
    }
    long deleted = batch.stream().filter(key -> !failed.contains(key)).count();
    return new DeleteOutcome(deleted, errors);
  }

  /**
   * Aborts the multipart uploads below the prefix that were initiated before {@code cutoff}: what a
   * killed upload leaves behind. Younger ones may be live and are kept; an upload already gone
   * counts as aborted.
   */
  public AbortOutcome abortUploadsInitiatedBefore(Instant cutoff) {
    List<String> aborted = new ArrayList<>();
    List<KeyError> errors = new ArrayList<>();
    String keyMarker = null;
    String uploadIdMarker = null;
    while (true) {
      String fromKey = keyMarker;
      String fromUpload = uploadIdMarker;
      ListMultipartUploadsResponse page =
          call(
              "listing the multipart uploads below " + keys.prefix(),
              () ->
                  s3.listMultipartUploads(
                      r ->
                          r.bucket(bucket)
                              .prefix(keys.prefix())
                              .maxUploads(limits.pageSize())
                              .keyMarker(fromKey)
                              .uploadIdMarker(fromUpload)));
      for (MultipartUpload upload : page.uploads()) {
        if (upload.initiated() == null
            || !upload.initiated().isBefore(cutoff)
            || !keys.isOurs(upload.key())) {
          continue;
        }
        try {
          s3.abortMultipartUpload(
              r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
          aborted.add(upload.key());
        } catch (NoSuchUploadException e) {
          aborted.add(upload.key());
        } catch (SdkException e) {
          errors.add(
              new KeyError(
                  upload.key(),
                  S3Failures.code(e),
                  failures.describe("aborting the upload of " + upload.key(), e)));
        }
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return new AbortOutcome(aborted, errors);
      }
      if (page.nextKeyMarker() == null
          || page.nextKeyMarker().equals(keyMarker)
              && Objects.equals(page.nextUploadIdMarker(), uploadIdMarker)) {
        // a store whose markers do not advance would have this loop run forever
        throw new ObjectStoreException(
            "%s: ListMultipartUploads below %s did not advance past key %s"
                .formatted(failures.where(), keys.prefix(), keyMarker),
            null);
      }
      keyMarker = page.nextKeyMarker();
      uploadIdMarker = page.nextUploadIdMarker();
    }
  }

  /** {@link #abortUploadsInitiatedBefore} the clock's now minus {@code grace}. */
  public AbortOutcome abortUploadsOlderThan(Duration grace) {
    return abortUploadsInitiatedBefore(clock.instant().minus(grace));
  }

  @Override
  public void close() {
    deletes.shutdownNow();
    listings.shutdownNow();
    s3.close();
  }

  private String requireListable(String prefix) {
    return prefix.equals(keys.prefix()) ? prefix : keys.requireOurs(prefix);
  }

  private String unsafe(String key) {
    try {
      keys.requireOurs(key);
      return "";
    } catch (UnsafeKeyException e) {
      return e.getMessage();
    }
  }

  private static DeleteOutcome await(Future<DeleteOutcome> future) {
    // an Error of a delete (out of memory, say) stays an Error: wrapped, a caller that records a
    // failed removal and goes on would go on after it
    return Futures.join(future, "interrupted while deleting objects");
  }

  private <T> T call(String action, Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkException e) {
      throw new ObjectStoreException(failures.describe(action, e), e);
    }
  }

  /**
   * One page of a listing of {@code prefix} (delimiter {@code /} or none), after {@code startAfter}
   * or continuing {@code token}: its entries in key order, and the token of the next page (null
   * when it is the last). A truncated page without a way on fails: it must not pass for complete.
   */
  private PartitionedListing.Fetched page(
      String prefix, String delimiter, String startAfter, String token) {
    ListObjectsV2Response response =
        call(
            "listing " + prefix,
            () ->
                s3.listObjectsV2(
                    r ->
                        r.bucket(bucket)
                            .prefix(prefix)
                            .delimiter(delimiter)
                            .maxKeys(limits.pageSize())
                            // keys with control characters survive XML only URL-encoded; the SDK
                            // decodes them again
                            .encodingType(EncodingType.URL)
                            .startAfter(token == null ? startAfter : null)
                            .continuationToken(token)));
    List<ListEntry> entries =
        new ArrayList<>(response.contents().size() + response.commonPrefixes().size());
    response
        .contents()
        .forEach(o -> entries.add(new StoredObject(o.key(), o.size(), o.lastModified())));
    response.commonPrefixes().forEach(p -> entries.add(new CommonPrefix(p.prefix())));
    entries.sort((a, b) -> a.key().compareTo(b.key()));
    if (!Boolean.TRUE.equals(response.isTruncated())) {
      return new PartitionedListing.Fetched(entries, null);
    }
    if (response.nextContinuationToken() == null
        || response.nextContinuationToken().equals(token)) {
      throw new ObjectStoreException(
          "%s: the listing of %s was cut short without a way to continue"
              .formatted(failures.where(), prefix),
          null);
    }
    return new PartitionedListing.Fetched(entries, response.nextContinuationToken());
  }

  /** A listing, fetched page by page as it is iterated. */
  private final class Pages implements Iterator<ListEntry> {

    private final String prefix;
    private final String delimiter;
    private Iterator<ListEntry> page = List.<ListEntry>of().iterator();
    private String continuation;
    private boolean last;

    Pages(String prefix, String delimiter) {
      this.prefix = prefix;
      this.delimiter = delimiter;
    }

    @Override
    public boolean hasNext() {
      while (!page.hasNext() && !last) {
        PartitionedListing.Fetched fetched = page(prefix, delimiter, null, continuation);
        page = fetched.entries().iterator();
        continuation = fetched.next();
        last = continuation == null;
      }
      return page.hasNext();
    }

    @Override
    public ListEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return page.next();
    }
  }
}
