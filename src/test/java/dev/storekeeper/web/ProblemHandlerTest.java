package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;

class ProblemHandlerTest {

  private final ProblemHandler handler = new ProblemHandler(null);

  @Test
  void anUnreachableDatabaseIsA503WithRetryAfterNotA500() {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/upload");
    CannotGetJdbcConnectionException down =
        new CannotGetJdbcConnectionException(
            "Failed to obtain JDBC Connection",
            new java.sql.SQLTransientConnectionException("Connection is not available"));

    ResponseEntity<ProblemDetail> answer = handler.onDatabaseUnavailable(down, request);

    assertThat(answer.getStatusCode().value()).isEqualTo(503);
    assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("10");
    assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(answer.getBody().getTitle()).isEqualTo("Database unavailable");
    assertThat(answer.getBody().getDetail()).contains("database cannot be reached");
    assertThat(answer.getBody().getInstance()).hasToString("/upload");
  }

  @Test
  void aBucketThatFailsIsItsOwnProblemTypeNotTheDatabases() {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/upload");
    var failed =
        new dev.storekeeper.storage.s3.ObjectStoreException(
            "S3_ENDPOINT: nothing accepts connections at S3_ENDPOINT http://127.0.0.1:9", null);

    ResponseEntity<ProblemDetail> answer = handler.onOurs(failed, request);

    assertThat(answer.getStatusCode().value()).isEqualTo(503);
    assertThat(answer.getBody().getType()).hasToString("/problems/storage-unavailable");
    assertThat(answer.getBody().getTitle()).isEqualTo("Object storage unavailable");
    assertThat(answer.getBody().getDetail()).startsWith("S3_ENDPOINT:");
  }
}
