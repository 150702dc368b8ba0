package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.storage.s3.DeleteOutcome.KeyError;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * S3Proxy never reports a per-key error (a missing key is "deleted", as on S3), so the mapping of a
 * quiet DeleteObjects answer that lists errors is tested on the SDK's own response type.
 */
class DeleteOutcomeMappingTest {

  @Test
  void reportsEachKeyTheStoreDidNotDeleteAndCountsTheRest() {
    List<String> batch = List.of("p/uploads/a", "p/uploads/b", "p/uploads/c", "p/uploads/d");
    DeleteObjectsResponse response =
        DeleteObjectsResponse.builder()
            .errors(
                S3Error.builder()
                    .key("p/uploads/b")
                    .code("AccessDenied")
                    .message("Access Denied")
                    .build(),
                S3Error.builder()
                    .key("p/uploads/d")
                    .code("InternalError")
                    .message("try again")
                    .build())
            .build();

    DeleteOutcome outcome = ObjectStore.outcomeOf(batch, response);

    assertThat(outcome.deleted()).isEqualTo(2);
    assertThat(outcome.complete()).isFalse();
    assertThat(outcome.errors())
        .containsExactly(
            new KeyError("p/uploads/b", "AccessDenied", "Access Denied"),
            new KeyError("p/uploads/d", "InternalError", "try again"));
  }

  @Test
  void countsEveryKeyOfAQuietAnswerWithoutErrorsAsDeleted() {
    DeleteOutcome outcome =
        ObjectStore.outcomeOf(List.of("k1", "k2"), DeleteObjectsResponse.builder().build());

    assertThat(outcome).isEqualTo(new DeleteOutcome(2, List.of()));
  }

  @Test
  void sendsKeysXmlCannotCarryOneByOne() {
    assertThat(ObjectStore.fitsXml("p/line\nbreak\ttab ünï")).isTrue();
    assertThat(ObjectStore.fitsXml("p/carriage\rreturn")).isFalse();
    assertThat(ObjectStore.fitsXml("p/bell\u0007")).isFalse();
  }
}
