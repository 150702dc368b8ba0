package dev.storekeeper.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The endpoints that take a request body, and which body: the one table {@link RequestBodies}
 * enforces. Every other request must come without a body. An endpoint that starts taking a body
 * (say {@code PUT /jobs/{id}/hold} with JSON) is one more entry here, with the checks its body
 * needs before it is read.
 */
final class BodyEndpoints {

  /**
   * One endpoint with a body: its method and paths, the media type it takes, and what must hold
   * before the body is read ({@code contentLength} is -1 when the body is chunked).
   */
  record BodyEndpoint(
      String method, List<PathPattern> paths, MediaType mediaType, String takes, Check check) {

    boolean matches(HttpServletRequest request) {
      if (!method.equalsIgnoreCase(request.getMethod())) {
        return false;
      }
      PathContainer path = PathContainer.parsePath(request.getRequestURI());
      return paths.stream().anyMatch(pattern -> pattern.matches(path));
    }
  }

  /** A refusal of the body before it is read, or empty to let it through. */
  interface Check {
    Optional<ProblemDetail> check(HttpServletRequest request, long contentLength);
  }

  private final List<BodyEndpoint> endpoints;

  BodyEndpoints(UploadLimits uploads) {
    this.endpoints =
        List.of(
            new BodyEndpoint(
                "POST",
                patterns("/upload", "/upload/"),
                MediaType.MULTIPART_FORM_DATA,
                "a multipart/form-data body with exactly one part, the file \"file\"",
                uploads::check),
            new BodyEndpoint(
                "PUT",
                patterns("/jobs/{id}/hold"),
                MediaType.APPLICATION_JSON,
                "a JSON object {\"reason\": \"why the job is held\"} of at most "
                    + MAX_JSON_BODY
                    + " bytes",
                BodyEndpoints::smallJson),
            new BodyEndpoint(
                "POST",
                patterns("/dashboard/**"),
                MediaType.APPLICATION_FORM_URLENCODED,
                "an HTML form (application/x-www-form-urlencoded) of at most "
                    + MAX_JSON_BODY
                    + " bytes",
                BodyEndpoints::smallJson));
  }

  /**
   * A hold's body is one short reason, a dashboard form a token, a job id and a reason: a larger
   * one is not what it claims to be.
   */
  static final int MAX_JSON_BODY = 16 * 1024;

  private static Optional<ProblemDetail> smallJson(HttpServletRequest request, long contentLength) {
    if (contentLength >= 0 && contentLength <= MAX_JSON_BODY) {
      return Optional.empty();
    }
    return Optional.of(
        ProblemType.INVALID_REQUEST.problem(
            contentLength < 0
                ? "Send the body with a Content-Length (at most %d bytes), not chunked"
                    .formatted(MAX_JSON_BODY)
                : "The body is %d bytes; at most %d are accepted"
                    .formatted(contentLength, MAX_JSON_BODY)));
  }

  Optional<BodyEndpoint> find(HttpServletRequest request) {
    return endpoints.stream().filter(endpoint -> endpoint.matches(request)).findFirst();
  }

  private static List<PathPattern> patterns(String... paths) {
    return java.util.Arrays.stream(paths).map(PathPatternParser.defaultInstance::parse).toList();
  }
}
