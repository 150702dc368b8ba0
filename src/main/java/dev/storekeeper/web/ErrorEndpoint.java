package dev.storekeeper.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /error}, where the servlet container forwards errors raised outside Spring MVC (a filter
 * that failed, {@code sendError} from a servlet): answered as a problem document with the error's
 * status, never the framework's {@code {"status":999}}. Requested directly, it is not an endpoint:
 * 404 like any unknown path.
 */
@RestController
@ConditionalOnWebApplication
@Hidden
class ErrorEndpoint implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    ProblemDetail problem;
    String instance;
    if (!(code instanceof Integer status) || status < 400) {
      problem = ProblemType.NOT_FOUND.problem("No endpoint " + request.getMethod() + " /error");
      instance = request.getRequestURI();
    } else {
      HttpStatus known = HttpStatus.resolve(status);
      String detail =
          status >= 500
              ? "An unexpected error occurred; see the server log"
              : known == null ? "HTTP error " + status : known.getReasonPhrase();
      problem = ProblemType.of(status, false).problem(status, detail);
      Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
      instance = uri == null ? null : uri.toString();
    }
    Problems.withInstance(problem, instance);
    return ResponseEntity.status(problem.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
