package dev.storekeeper.storage.s3;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns what the SDK raised into a sentence an operator can act on, naming the setting at fault: a
 * missing bucket is {@code S3_BUCKET}, a host that does not answer is {@code S3_ENDPOINT}, a
 * refused signature is the credentials, a bucket in another region is {@code S3_REGION}. What no
 * setting explains keeps the store's own code and message.
 */
final class S3Failures {

  static final String CREDENTIALS =
      "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or the instance role)";

  private final ObjectStorageProperties settings;

  S3Failures(ObjectStorageProperties settings) {
    this.settings = settings;
  }

  /** {@code action}: what was being done, e.g. "writing the probe object x". */
  String describe(String action, Throwable failure) {
    if (failure instanceof S3Exception s3) {
      return describe(action, s3);
    }
    if (failure instanceof SdkClientException client) {
      return describe(action, client);
    }
    return "%s failed: %s".formatted(action, failure);
  }

  private String describe(String action, S3Exception failure) {
    String code = code(failure);
    int status = failure.statusCode();
    Optional<String> bucketRegion =
        failure.awsErrorDetails() == null || failure.awsErrorDetails().sdkHttpResponse() == null
            ? Optional.empty()
            : failure
                .awsErrorDetails()
                .sdkHttpResponse()
                .firstMatchingHeader("x-amz-bucket-region");
    if (failure instanceof NoSuchBucketException || code.equals("NoSuchBucket")) {
      return "S3_BUCKET: the bucket \"%s\" does not exist at %s (%s: %s)"
          .formatted(settings.s3Bucket(), where(), action, code);
    }
    if (status == 301
        || code.equals("PermanentRedirect")
        || code.equals("AuthorizationHeaderMalformed")
        || code.equals("IllegalLocationConstraintException")
        || bucketRegion.filter(r -> !r.equals(settings.region().orElse(r))).isPresent()) {
      return "S3_REGION: the bucket \"%s\" is in %s, not in %s (%s: %s)"
          .formatted(
              settings.s3Bucket(),
              bucketRegion.map(r -> "region " + r).orElse("another region"),
              settings.region().orElse("the region the AWS SDK chose"),
              action,
              code);
    }
    if (code.equals("InvalidAccessKeyId")
        || code.equals("SignatureDoesNotMatch")
        || code.equals("InvalidToken")
        || code.equals("ExpiredToken")) {
      return "the credentials were refused by %s: check %s (%s: %s)"
          .formatted(where(), CREDENTIALS, action, code);
    }
    if (status == 403) {
      return "the credentials may not do this on bucket \"%s\": check %s and their permissions"
              .formatted(settings.s3Bucket(), CREDENTIALS)
          + " (%s: %s)".formatted(action, code);
    }
    return "%s failed at %s: HTTP %d %s%s"
        .formatted(
            action,
            where(),
            status,
            code,
            failure.awsErrorDetails() == null || failure.awsErrorDetails().errorMessage() == null
                ? ""
                : ": " + failure.awsErrorDetails().errorMessage());
  }

  private String describe(String action, SdkClientException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnknownHostException) {
        return settings.endpoint().isPresent()
            ? "S3_ENDPOINT: the host of %s is unknown (%s)".formatted(where(), action)
            : "S3_REGION: the AWS S3 host for region %s is unknown; check S3_REGION and the network (%s)"
                .formatted(settings.region().orElse("(from the AWS SDK)"), action);
      }
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
        return "S3_ENDPOINT: nothing accepts connections at %s (%s: %s)"
            .formatted(where(), action, cause.getMessage());
      }
      if (cause instanceof SocketTimeoutException) {
        return "S3_ENDPOINT: %s did not answer in time (%s)".formatted(where(), action);
      }
      if (cause instanceof SSLException) {
        return "S3_ENDPOINT: the TLS connection to %s failed (%s: %s)"
            .formatted(where(), action, cause.getMessage());
      }
    }
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("unable to load credentials")) {
      return "no AWS credentials were found: set %s (%s)".formatted(CREDENTIALS, action);
    }
    if (lower.contains("unable to load region")) {
      return "S3_REGION: no region is set and the AWS SDK found none (%s)".formatted(action);
    }
    return "%s failed at %s: %s".formatted(action, where(), message);
  }

  /** The store, as an operator configured it. */
  String where() {
    return settings
        .endpoint()
        .map(uri -> "S3_ENDPOINT " + uri)
        .orElse("AWS S3" + settings.region().map(r -> " (" + r + ")").orElse(""));
  }

  static String code(SdkException failure) {
    if (failure instanceof S3Exception s3
        && s3.awsErrorDetails() != null
        && s3.awsErrorDetails().errorCode() != null) {
      return s3.awsErrorDetails().errorCode();
    }
    if (failure instanceof S3Exception s3) {
      return "HTTP " + s3.statusCode();
    }
    return failure.getClass().getSimpleName();
  }
}
