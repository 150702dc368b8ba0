package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.storekeeper.MutableClock;
import dev.storekeeper.storage.s3.DeleteOutcome.KeyError;
import dev.storekeeper.storage.s3.ListEntry.CommonPrefix;
import dev.storekeeper.storage.s3.ListEntry.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/** Every operation of {@link ObjectStore} against a real S3 server (S3Proxy, its own process). */
class ObjectStoreIT {

  @RegisterExtension static final S3Proxy s3 = new S3Proxy();

  private static final int PART = ObjectStore.MIN_PART_SIZE;

  private final MutableClock clock = new MutableClock(Instant.now());
  private final RequestCounter requests = new RequestCounter();
  private String prefix;
  private ObjectStore store;
  private S3Client raw;

  @BeforeEach
  void openStore() {
    prefix = "t-" + UUID.randomUUID() + "/";
    store = s3.store(prefix, clock, new ObjectStore.Limits(PART, 1000, 1000, 4), requests);
    raw = s3.client();
  }

  @AfterEach
  void closeStore() {
    store.close();
    raw.close();
  }

  private List<String> keysInBucketUnder(String under) {
    return raw.listObjectsV2Paginator(r -> r.bucket(s3.bucket()).prefix(under)).contents().stream()
        .map(o -> o.key())
        .toList();
  }

  private List<MultipartUpload> uploadsInBucket() {
    return raw.listMultipartUploads(r -> r.bucket(s3.bucket())).uploads();
  }

  private static List<String> sorted(List<String> keys) {
    return keys.stream().sorted().toList();
  }

  private static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private byte[] read(String key) throws IOException {
    try (InputStream in = store.get(key).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  @Nested
  class Probe {

    @Test
    void writesReadsAndDeletesItsObjectLeavingNothing() {
      String key = store.probe();

      assertThat(key).startsWith(prefix + ".storekeeper/probe-");
      assertThat(keysInBucketUnder(prefix)).isEmpty();
    }

    @Test
    void namesS3BucketWhenTheBucketDoesNotExist() {
      ObjectStorageProperties settings =
          new ObjectStorageProperties(
              "s3", "no-such-bucket-here", "", s3.endpoint().toString(), null, null);
      try (ObjectStore wrong = ObjectStore.open(settings, S3Proxy.credentials(), clock)) {
        assertThatThrownBy(wrong::probe)
            .isInstanceOf(ObjectStoreException.class)
            .hasMessageStartingWith("S3_BUCKET: the bucket \"no-such-bucket-here\" does not exist")
            .hasMessageContaining(s3.endpoint().toString());
      }
    }

    @Test
    void namesS3EndpointWhenNothingListens() throws IOException {
      String nowhere = "http://127.0.0.1:" + S3ProxyServer.freePort();
      ObjectStorageProperties settings =
          new ObjectStorageProperties("s3", s3.bucket(), "", nowhere, null, null);
      try (ObjectStore unreachable = ObjectStore.open(settings, S3Proxy.credentials(), clock)) {
        assertThatThrownBy(unreachable::probe)
            .isInstanceOf(ObjectStoreException.class)
            .hasMessageStartingWith(
                "S3_ENDPOINT: nothing accepts connections at S3_ENDPOINT " + nowhere);
      }
    }

    @Test
    void namesS3EndpointWhenTheHostIsUnknown() {
      ObjectStorageProperties settings =
          new ObjectStorageProperties(
              "s3", s3.bucket(), "", "http://no-such-host.invalid:9000", null, null);
      try (ObjectStore unknown = ObjectStore.open(settings, S3Proxy.credentials(), clock)) {
        assertThatThrownBy(unknown::probe)
            .hasMessageStartingWith(
                "S3_ENDPOINT: the host of S3_ENDPOINT http://no-such-host.invalid:9000 is unknown");
      }
    }

    @Test
    void namesTheCredentialsWhenTheSignatureIsRefused() {
      ObjectStorageProperties settings = s3.settings("");
      StaticCredentialsProvider wrong =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(S3ProxyServer.IDENTITY, "not-the-secret"));
      try (ObjectStore refused = ObjectStore.open(settings, wrong, clock)) {
        ObjectStoreException failure =
            catchThrowableOfType(ObjectStoreException.class, refused::probe);

        assertThat(failure.getMessage())
            .startsWith("the credentials were refused")
            .contains("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
            .contains("SignatureDoesNotMatch")
            .doesNotContain("not-the-secret");
      }
    }
  }

  @Nested
  class Put {

    @Test
    void storesASmallStreamWithOnePutAndReadsItBack() throws IOException {
      String key = store.keys().upload(UUID.randomUUID(), "scan.nii.gz");
      byte[] data = bytes(100_000, 1);

      long stored = store.put(key, new ByteArrayInputStream(data));

      assertThat(stored).isEqualTo(data.length);
      assertThat(read(key)).isEqualTo(data);
      assertThat(requests.count(software.amazon.awssdk.services.s3.model.PutObjectRequest.class))
          .isEqualTo(1);
      assertThat(
              requests.count(
                  software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest.class))
          .isZero();
      StoredObject head = store.head(key).orElseThrow();
      assertThat(head.size()).isEqualTo(data.length);
      assertThat(head.lastModified())
          .isBetween(clock.instant().minusSeconds(60), clock.instant().plusSeconds(60));
    }

    @Test
    void storesALargeStreamInPartsAndReadsItBackIdentical() throws Exception {
      String key = store.keys().output(UUID.randomUUID(), "volumes/brain.mgz");
      byte[] data = bytes(2 * PART + 12_345, 2);

      long stored = store.put(key, new ByteArrayInputStream(data));

      assertThat(stored).isEqualTo(data.length);
      assertThat(raw.headObject(r -> r.bucket(s3.bucket()).key(key)).eTag()).endsWith("-3\"");
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      assertThat(sha.digest(read(key)))
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
      assertThat(store.head(key).orElseThrow().size()).isEqualTo(data.length);
      assertThat(uploadsInBucket()).noneMatch(u -> u.key().equals(key));
    }

    @Test
    void storesAStreamOfExactlyOnePart() throws IOException {
      String key = store.keys().upload(UUID.randomUUID(), "exact");
      byte[] data = bytes(PART, 3);

      store.put(key, new ByteArrayInputStream(data));

      assertThat(read(key)).isEqualTo(data);
    }

    @Test
    void abortsTheMultipartUploadWhenTheStreamFailsMidway() {
      String key = store.keys().upload(UUID.randomUUID(), "broken.bin");
      InputStream failing =
          new InputStream() {
            private long served;

            @Override
            public int read() throws IOException {
              if (served++ >= PART + PART / 2) {
                throw new IOException("the client went away");
              }
              return 7;
            }
          };

      assertThatThrownBy(() -> store.put(key, failing))
          .isInstanceOf(IOException.class)
          .hasMessage("the client went away");

      assertThat(requests.count(software.amazon.awssdk.services.s3.model.UploadPartRequest.class))
          .isEqualTo(1);
      assertThat(store.head(key)).isEmpty();
      assertThat(uploadsInBucket()).noneMatch(u -> u.key().equals(key));
      assertThat(keysInBucketUnder(prefix)).isEmpty();
    }

    @Test
    void leavesNothingWhenTheStreamFailsBeforeAPartIsFull() {
      String key = store.keys().upload(UUID.randomUUID(), "short.bin");
      InputStream failing =
          new InputStream() {
            @Override
            public int read() throws IOException {
              throw new IOException("disk error");
            }
          };

      assertThatThrownBy(() -> store.put(key, failing)).hasMessage("disk error");

      assertThat(keysInBucketUnder(prefix)).isEmpty();
      assertThat(uploadsInBucket()).noneMatch(u -> u.key().equals(key));
    }

    @Test
    void refusesAKeyOutsideThePrefixWithoutSendingAnything() {
      assertThatThrownBy(() -> store.put("elsewhere/x", new ByteArrayInputStream(new byte[1])))
          .isInstanceOf(UnsafeKeyException.class);
      assertThatThrownBy(
              () -> store.put(prefix + "uploads/../../x", new ByteArrayInputStream(new byte[1])))
          .isInstanceOf(UnsafeKeyException.class);

      assertThat(requests.count(software.amazon.awssdk.services.s3.model.PutObjectRequest.class))
          .isZero();
    }
  }

  @Nested
  class GetAndHead {

    @Test
    void findNothingForAMissingKey() {
      String key = store.keys().upload(UUID.randomUUID(), "missing");

      assertThat(store.get(key)).isEmpty();
      assertThat(store.head(key)).isEmpty();
    }
  }

  @Nested
  class Listing {

    private void put(String key, String content) throws IOException {
      store.put(key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void showsObjectsAndDirectoriesDirectlyBelowAPrefixAcrossPages() throws IOException {
      UUID a = UUID.fromString("00000000-0000-0000-0000-00000000000a");
      UUID b = UUID.fromString("00000000-0000-0000-0000-00000000000b");
      put(store.keys().output(a, "x.txt"), "1");
      put(store.keys().output(a, "deep/y.txt"), "22");
      put(store.keys().output(b, "z.txt"), "333");
      put(store.keys().upload(a, "scan.nii"), "4444");
      put(store.keys().upload(b, "other.nii"), "55555");
      ObjectStore paged =
          s3.store(prefix, clock, new ObjectStore.Limits(PART, 2, 1000, 1), requests);

      List<ListEntry> outputs =
          StreamSupport.stream(paged.list(store.keys().outputsPrefix()).spliterator(), false)
              .toList();
      List<ListEntry> uploads =
          StreamSupport.stream(paged.list(store.keys().uploadsPrefix()).spliterator(), false)
              .toList();
      List<ListEntry> root = StreamSupport.stream(paged.list(prefix).spliterator(), false).toList();

      assertThat(outputs)
          .containsExactly(
              new CommonPrefix(store.keys().outputs(a)), new CommonPrefix(store.keys().outputs(b)));
      assertThat(uploads)
          .extracting(ListEntry::key)
          .containsExactly(store.keys().upload(a, "scan.nii"), store.keys().upload(b, "other.nii"));
      assertThat(uploads)
          .allSatisfy(e -> assertThat(((StoredObject) e).lastModified()).isNotNull())
          .extracting(e -> ((StoredObject) e).size())
          .containsExactly(4L, 5L);
      assertThat(root)
          .containsExactly(
              new CommonPrefix(store.keys().outputsPrefix()),
              new CommonPrefix(store.keys().uploadsPrefix()));
      assertThat(paged.objectsUnder(store.keys().outputs(a)))
          .extracting(StoredObject::key)
          .containsExactly(store.keys().output(a, "deep/y.txt"), store.keys().output(a, "x.txt"));
      paged.close();
    }

    @Test
    void listsALongPrefixInPartsFetchingEachPageOnce() throws IOException {
      for (int i = 0; i < 5; i++) {
        put(store.keys().upload(new UUID(0, i), "f"), "x");
      }
      RequestCounter counted = new RequestCounter();
      try (ObjectStore paged =
          s3.store(prefix, clock, new ObjectStore.Limits(PART, 2, 1000, 1), counted)) {
        Iterable<ListEntry> listing = paged.list(paged.keys().uploadsPrefix());
        assertThat(counted.count(ListObjectsV2Request.class)).isZero();

        assertThat(listing).extracting(ListEntry::key).hasSize(5).doesNotHaveDuplicates();
        // more than a page: the first page, then shard 0 in three pages, the other fifteen shards
        // and the two ranges beyond them in one each
        assertThat(counted.count(ListObjectsV2Request.class)).isEqualTo(1 + 3 + 17);
      }
    }

    /**
     * Names in every part of a listing in parts (before the digits, each hex shard, between, after
     * the letters, non-ASCII) and what sorts at their edges: with two keys a page, S3Proxy lists
     * each once, as one listing of a single page shows them.
     */
    @Test
    void listsEveryEntryOnceInPartsWhateverTheFirstCharacterOfItsName() throws IOException {
      List<String> names =
          List.of(
              " space",
              "!bang",
              "#hash",
              "%25percent",
              "+plus",
              ".dot",
              "0a_scan.nii",
              "0a_scan.nii2",
              "09_x",
              "5_x",
              "9",
              "9~last",
              ":colon",
              "@at",
              "Ztop",
              "_under",
              "`tick",
              "a",
              "c/inside/deep.txt",
              "c/other.txt",
              "cz/one",
              "f\u00e9",
              "g",
              "zeta",
              "~tilde",
              "\u007fdel",
              "\u00e9t\u00e9",
              "\uFFFDreplacement",
              "\uD83E\uDDE0brain",
              "line\nbreak");
      for (String name : names) {
        put(store.keys().uploadsPrefix() + name, name);
      }
      put(prefix + "uploadsX", "beside");
      put(prefix + "outputs/0/x", "elsewhere");
      ObjectStore paged =
          s3.store(prefix, clock, new ObjectStore.Limits(PART, 2, 1000, 1), requests);

      List<String> inParts =
          StreamSupport.stream(paged.list(store.keys().uploadsPrefix()).spliterator(), false)
              .map(ListEntry::key)
              .toList();
      List<String> onePage =
          StreamSupport.stream(store.list(store.keys().uploadsPrefix()).spliterator(), false)
              .map(ListEntry::key)
              .toList();

      assertThat(onePage).hasSize(names.size() - 1); // c/... roll up into one "directory"
      assertThat(inParts).doesNotHaveDuplicates().isEqualTo(onePage);
      assertThat(inParts)
          .contains(store.keys().uploadsPrefix() + "c/", store.keys().uploadsPrefix() + "cz/")
          .noneMatch(key -> key.contains("uploadsX") || key.contains("outputs"));
      paged.close();
    }

    @Test
    void findsTheNewestObjectBelowAPrefix() throws IOException {
      UUID job = UUID.randomUUID();
      put(store.keys().output(job, "a"), "a");
      put(store.keys().output(job, "sub/b"), "b");
      Instant newest =
          Stream.of("a", "sub/b")
              .map(name -> store.head(store.keys().output(job, name)).orElseThrow().lastModified())
              .max(Instant::compareTo)
              .orElseThrow();

      assertThat(store.newestUnder(store.keys().outputs(job))).contains(newest);
      assertThat(store.newestUnder(store.keys().outputs(UUID.randomUUID()))).isEmpty();
    }

    @Test
    void refusesAPrefixOutsideItsOwn() {
      assertThatThrownBy(() -> store.list("other/")).isInstanceOf(UnsafeKeyException.class);
      assertThatThrownBy(() -> store.objectsUnder(prefix + "../"))
          .isInstanceOf(UnsafeKeyException.class);
    }
  }

  @Nested
  class HostileNames {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "résumé ünïcödé 日本語.nii",
          "line\nbreak.txt",
          "100% sure+plus.txt",
          "a+b=c&d?e#f.txt",
          "  spaces  ",
          "tab\tand\u0001control",
          "carriage\rreturn\r\n",
          "emoji-\uD83E\uDDE0.mgz",
          "back\\slash"
        })
    void roundTripThroughPutListGetAndDelete(String name) throws IOException {
      UUID job = UUID.randomUUID();
      String key = store.keys().upload(job, name);
      byte[] data = name.getBytes(StandardCharsets.UTF_8);

      store.put(key, new ByteArrayInputStream(data));

      assertThat(store.list(store.keys().uploadsPrefix()))
          .extracting(ListEntry::key)
          .containsExactly(key);
      assertThat(read(key)).isEqualTo(data);
      assertThat(store.delete(List.of(key)).complete()).isTrue();
      assertThat(keysInBucketUnder(prefix)).isEmpty();
    }
  }

  @Nested
  class Delete {

    /**
     * {@code count} empty objects, written straight into S3Proxy's filesystem blobstore (a file per
     * key under the bucket's directory, which S3Proxy lists and deletes like any object): 2,500
     * PUTs would take most of this suite's time.
     */
    private List<String> putMany(int count) throws IOException {
      List<String> keys =
          IntStream.range(0, count)
              .mapToObj(i -> store.keys().output(new UUID(1, i / 100), "f-" + i))
              .toList();
      Path bucket = s3.server().blobs().resolve(s3.bucket());
      for (String key : keys) {
        Path file = bucket.resolve(key);
        Files.createDirectories(file.getParent());
        Files.createFile(file);
      }
      assertThat(keysInBucketUnder(prefix)).hasSize(count);
      return keys;
    }

    @Test
    void deletesTwoThousandFiveHundredKeysInThreeRequests() throws Exception {
      List<String> keys = putMany(2500);

      DeleteOutcome outcome = store.delete(keys);

      assertThat(outcome.errors()).isEmpty();
      assertThat(outcome.deleted()).isEqualTo(2500);
      assertThat(requests.count(DeleteObjectsRequest.class)).isEqualTo(3);
      assertThat(keysInBucketUnder(prefix)).isEmpty();
    }

    @Test
    void finishesTheRequestsItSentWhenTheKeysBreakOff() throws IOException {
      List<String> keys = putMany(1500);
      Iterable<String> breaking =
          () ->
              new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                  if (next == 1200) {
                    throw new ObjectStoreException("the listing broke off", null);
                  }
                  return true;
                }

                @Override
                public String next() {
                  return keys.get(next++);
                }
              };

      assertThatThrownBy(() -> store.delete(breaking)).hasMessage("the listing broke off");

      assertThat(requests.count(DeleteObjectsRequest.class)).isEqualTo(1);
      assertThat(keysInBucketUnder(prefix))
          .containsExactlyElementsOf(sorted(keys.subList(1000, 1500)));
    }

    @Test
    void keepsEveryObjectItWasNotAskedToDelete() throws IOException {
      UUID doomed = UUID.randomUUID();
      UUID kept = UUID.randomUUID();
      for (String key :
          List.of(
              store.keys().output(doomed, "a"),
              store.keys().output(kept, "a"),
              store.keys().upload(kept, "scan"))) {
        store.put(key, new ByteArrayInputStream(new byte[] {1}));
      }

      DeleteOutcome outcome = store.deleteUnder(store.keys().outputs(doomed));

      assertThat(outcome.deleted()).isEqualTo(1);
      assertThat(keysInBucketUnder(prefix))
          .containsExactlyInAnyOrder(
              store.keys().output(kept, "a"), store.keys().upload(kept, "scan"));
    }

    @Test
    void countsKeysThatDoNotExistAsDeleted() throws IOException {
      String present = store.keys().upload(UUID.randomUUID(), "here");
      store.put(present, new ByteArrayInputStream(new byte[] {1}));
      String absent = store.keys().upload(UUID.randomUUID(), "gone-already");

      DeleteOutcome outcome = store.delete(List.of(present, absent));

      assertThat(outcome).isEqualTo(new DeleteOutcome(2, List.of()));
      assertThat(store.head(present)).isEmpty();
    }

    @Test
    void refusesUnsafeKeysOneByOneAndNeverSendsThem() throws IOException {
      String outside = "outside-" + UUID.randomUUID();
      raw.putObject(r -> r.bucket(s3.bucket()).key(outside), RequestBody.fromString("keep"));
      String ours = store.keys().upload(UUID.randomUUID(), "ours");
      store.put(ours, new ByteArrayInputStream(new byte[] {1}));
      String climbing = prefix + "uploads/../../" + outside;

      DeleteOutcome outcome = store.delete(List.of(outside, climbing, ours, prefix));

      assertThat(outcome.deleted()).isEqualTo(1);
      assertThat(outcome.errors())
          .extracting(KeyError::key, KeyError::code)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(outside, "UnsafeKey"),
              org.assertj.core.groups.Tuple.tuple(climbing, "UnsafeKey"),
              org.assertj.core.groups.Tuple.tuple(prefix, "UnsafeKey"));
      assertThat(keysInBucketUnder(outside)).containsExactly(outside);
      assertThat(store.head(ours)).isEmpty();
    }

    @Test
    void reportsEveryKeyOfARequestThatFailedAsAWhole() throws IOException {
      // S3Proxy answers DeleteObjects on a missing bucket with success: nothing listening fails
      String nowhere = "http://127.0.0.1:" + S3ProxyServer.freePort();
      ObjectStorageProperties settings =
          new ObjectStorageProperties("s3", s3.bucket(), prefix, nowhere, null, null);
      try (ObjectStore wrong = ObjectStore.open(settings, S3Proxy.credentials(), clock)) {
        List<String> keys =
            List.of(
                wrong.keys().upload(new UUID(0, 1), "a"), wrong.keys().upload(new UUID(0, 2), "b"));

        DeleteOutcome outcome = wrong.delete(keys);

        assertThat(outcome.deleted()).isZero();
        assertThat(outcome.errors())
            .extracting(KeyError::key)
            .containsExactlyInAnyOrderElementsOf(keys);
        assertThat(outcome.errors())
            .allSatisfy(
                e -> {
                  assertThat(e.code()).isEqualTo("SdkClientException");
                  assertThat(e.message()).startsWith("S3_ENDPOINT: nothing accepts connections");
                });
      }
    }
  }

  @Nested
  class StaleUploads {

    private String startUpload(String key) {
      String id = raw.createMultipartUpload(r -> r.bucket(s3.bucket()).key(key)).uploadId();
      raw.uploadPart(
          r -> r.bucket(s3.bucket()).key(key).uploadId(id).partNumber(1),
          RequestBody.fromString("part"));
      return id;
    }

    @Test
    void abortsStaleUploadsAcrossPagesOfTheListing() {
      List<String> keys =
          IntStream.range(0, 3).mapToObj(i -> store.keys().upload(new UUID(2, i), "part")).toList();
      keys.forEach(this::startUpload);
      clock.advance(Duration.ofHours(2));
      try (ObjectStore paged =
          s3.store(prefix, clock, new ObjectStore.Limits(PART, 1, 1000, 1), requests)) {

        AbortOutcome outcome = paged.abortUploadsOlderThan(Duration.ofHours(1));

        assertThat(outcome.aborted()).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(uploadsInBucket())
            .extracting(MultipartUpload::key)
            .doesNotContainAnyElementsOf(keys);
      }
    }

    @Test
    void keepsUploadsYoungerThanTheGraceWindowAndAbortsOlderOnes() {
      String ours = store.keys().upload(UUID.randomUUID(), "interrupted");
      String foreign = "foreign-" + UUID.randomUUID();
      startUpload(ours);
      String foreignId = startUpload(foreign);
      try {
        AbortOutcome early = store.abortUploadsOlderThan(Duration.ofHours(1));

        assertThat(early.aborted()).isEmpty();
        assertThat(uploadsInBucket()).extracting(MultipartUpload::key).contains(ours, foreign);

        clock.advance(Duration.ofHours(2));
        AbortOutcome late = store.abortUploadsOlderThan(Duration.ofHours(1));

        assertThat(late.aborted()).containsExactly(ours);
        assertThat(late.errors()).isEmpty();
        assertThat(uploadsInBucket())
            .extracting(MultipartUpload::key)
            .doesNotContain(ours)
            .contains(foreign);
      } finally {
        raw.abortMultipartUpload(r -> r.bucket(s3.bucket()).key(foreign).uploadId(foreignId));
      }
    }
  }
}
