package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The mappings S3Proxy cannot produce (it ignores the region a request is signed for, and grants
 * its one identity everything): checked on the SDK's exception types as AWS S3 raises them.
 */
class S3FailuresTest {

  private static final ObjectStorageProperties AWS =
      new ObjectStorageProperties("s3", "sk-data", "", null, "us-east-1", null);

  private static S3Exception answer(int status, String code, String bucketRegion) {
    SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
    if (bucketRegion != null) {
      http.putHeader("x-amz-bucket-region", bucketRegion);
    }
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(code + " message")
                    .sdkHttpResponse(http.build())
                    .build())
            .build();
  }

  @Test
  void namesTheRegionWhenTheBucketLivesElsewhere() {
    String message =
        new S3Failures(AWS).describe("writing x", answer(301, "PermanentRedirect", "eu-west-1"));

    assertThat(message)
        .startsWith("S3_REGION: the bucket \"sk-data\" is in region eu-west-1, not in us-east-1");
  }

  @Test
  void namesTheRegionWhenTheSignatureNamesTheWrongOne() {
    String message =
        new S3Failures(AWS)
            .describe("writing x", answer(400, "AuthorizationHeaderMalformed", null));

    assertThat(message).startsWith("S3_REGION:");
  }

  @Test
  void namesTheCredentialsWhenAccessIsDenied() {
    assertThat(new S3Failures(AWS).describe("writing x", answer(403, "AccessDenied", null)))
        .startsWith("the credentials may not do this on bucket \"sk-data\"")
        .contains("AWS_ACCESS_KEY_ID");
    assertThat(new S3Failures(AWS).describe("writing x", answer(403, "InvalidAccessKeyId", null)))
        .startsWith("the credentials were refused");
  }

  @Test
  void namesTheBucketWhenItDoesNotExist() {
    assertThat(new S3Failures(AWS).describe("writing x", answer(404, "NoSuchBucket", null)))
        .startsWith("S3_BUCKET: the bucket \"sk-data\" does not exist at AWS S3 (us-east-1)");
  }

  @Test
  void namesTheRegionWhenTheAwsHostIsUnknown() {
    SdkClientException failure =
        SdkClientException.create("Unable to execute HTTP request", new UnknownHostException("x"));

    assertThat(new S3Failures(AWS).describe("writing x", failure)).startsWith("S3_REGION:");
  }

  @Test
  void namesTheRegionWhenTheSdkFindsNone() {
    ObjectStorageProperties noRegion =
        new ObjectStorageProperties("s3", "sk-data", "", null, null, null);
    SdkClientException failure =
        SdkClientException.create("Unable to load region from any of the providers in the chain");

    assertThat(new S3Failures(noRegion).describe("configuring", failure))
        .startsWith("S3_REGION: no region is set");
  }

  @Test
  void keepsTheStoresCodeWhenNoSettingExplainsIt() {
    assertThat(new S3Failures(AWS).describe("writing x", answer(500, "InternalError", null)))
        .isEqualTo(
            "writing x failed at AWS S3 (us-east-1): HTTP 500 InternalError: InternalError message");
  }
}
