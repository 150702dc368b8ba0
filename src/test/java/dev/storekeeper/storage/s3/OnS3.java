package dev.storekeeper.storage.s3;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs a Spring test with {@code STORAGE_BACKEND=s3} on the shared S3Proxy bucket ({@link
 * S3Backend}), keys under {@value #PREFIX}. Combine with {@code OnH2} or {@code OnPostgres}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(S3Backend.class)
@TestPropertySource(
    properties = {
      "STORAGE_BACKEND=s3",
      "S3_BUCKET=${" + S3Backend.BUCKET + "}",
      "S3_ENDPOINT=${" + S3Backend.ENDPOINT + "}",
      "S3_PREFIX=" + OnS3.PREFIX,
      "AWS_ACCESS_KEY_ID=" + S3ProxyServer.IDENTITY,
      "AWS_SECRET_ACCESS_KEY=" + S3ProxyServer.CREDENTIAL
    })
public @interface OnS3 {
  String PREFIX = "sk/";
}
