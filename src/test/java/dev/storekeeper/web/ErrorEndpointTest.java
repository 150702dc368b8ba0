package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** Issue 11, section 8: /error answers problem documents, never {@code {"status":999}}. */
class ErrorEndpointTest {

  private final ErrorEndpoint endpoint = new ErrorEndpoint();

  @Test
  void requestedDirectlyItIsNotAnEndpoint() {
    ResponseEntity<ProblemDetail> answer =
        endpoint.error(new MockHttpServletRequest("GET", "/error"));

    assertThat(answer.getStatusCode().value()).isEqualTo(404);
    assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(answer.getBody().getType()).hasToString("/problems/not-found");
  }

  @ParameterizedTest
  @CsvSource({
    "400, /problems/invalid-request",
    "404, /problems/not-found",
    "405, /problems/method-not-allowed",
    "409, /problems/conflict",
    "413, /problems/upload-too-large",
    "415, /problems/body-not-accepted",
    "418, /problems/http-error",
    "500, /problems/internal-error",
    "503, /problems/database-unavailable",
  })
  void aForwardedErrorKeepsItsStatusAsAProblemDocument(int status, String type) {
    MockHttpServletRequest forwarded = new MockHttpServletRequest("POST", "/error");
    forwarded.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
    forwarded.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/jobs/x/cancel");
    forwarded.setAttribute(RequestDispatcher.ERROR_MESSAGE, "internal detail /srv/data/secret");

    ResponseEntity<ProblemDetail> answer = endpoint.error(forwarded);

    assertThat(answer.getStatusCode().value()).isEqualTo(status);
    assertThat(answer.getBody().getStatus()).isEqualTo(status);
    assertThat(answer.getBody().getType()).hasToString(type);
    assertThat(answer.getBody().getInstance()).hasToString("/jobs/x/cancel");
    assertThat(answer.getBody().getDetail()).doesNotContain("/srv/data");
  }
}
