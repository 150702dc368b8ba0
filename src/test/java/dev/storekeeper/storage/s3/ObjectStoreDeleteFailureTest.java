package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;

/**
 * What a delete request's thread throws reaches the caller of {@link ObjectStore#delete} as it was
 * thrown. An {@link Error} (out of memory, say) wrapped into a runtime exception would be taken for
 * one failed removal by callers that record it and go on.
 */
class ObjectStoreDeleteFailureTest {

  private static final ObjectStorageProperties SETTINGS =
      new ObjectStorageProperties("s3", "bucket", "sk/", "http://127.0.0.1:9", "us-east-1", true);

  /** A client whose DeleteObjects throws {@code failure}; nothing else is asked of it. */
  private static S3Client throwing(Throwable failure, AtomicInteger asked) {
    return new S3Client() {
      @Override
      public DeleteObjectsResponse deleteObjects(DeleteObjectsRequest request) {
        asked.incrementAndGet();
        if (failure instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) failure;
      }

      @Override
      public String serviceName() {
        return "s3";
      }

      @Override
      public void close() {}
    };
  }

  private static ObjectStore store(S3Client client) {
    return new ObjectStore(
        client,
        SETTINGS,
        Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC),
        ObjectStore.Limits.DEFAULT);
  }

  private static List<String> keys(int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> "sk/uploads/" + new UUID(0, i) + "_scan.nii")
        .toList();
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        // two requests of 1,000 keys: the error of the first in flight reaches the caller
        Arguments.of(new OutOfMemoryError("test: no memory left for the answer"), 1500),
        Arguments.of(new IllegalArgumentException("test: a bad request"), 3));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void whatADeleteRequestThrowsIsThrownAsItWasNotWrapped(Throwable failure, int keys) {
    try (ObjectStore store = store(throwing(failure, new AtomicInteger()))) {
      assertThatThrownBy(() -> store.delete(keys(keys))).isSameAs(failure);
    }
  }

  @Test
  void deletingWithAClosedStoreFailsAsAStoreThatCannotBeAskedNamingWhy() {
    AtomicInteger asked = new AtomicInteger();
    ObjectStore store = store(throwing(new IllegalStateException("never asked"), asked));
    store.close(); // the service stopping while a run still holds the store

    assertThatThrownBy(() -> store.delete(keys(3)))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessage("deleting 3 objects stopped: the object store was closed")
        .hasCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    org.assertj.core.api.Assertions.assertThat(asked).hasValue(0);
  }
}
