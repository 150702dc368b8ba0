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
                uploads::check));
  }

  Optional<BodyEndpoint> find(HttpServletRequest request) {
    return endpoints.stream().filter(endpoint -> endpoint.matches(request)).findFirst();
  }

  private static List<PathPattern> patterns(String... paths) {
    return java.util.Arrays.stream(paths).map(PathPatternParser.defaultInstance::parse).toList();
  }
}
