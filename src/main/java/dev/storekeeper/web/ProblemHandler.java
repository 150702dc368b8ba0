package dev.storekeeper.web;

import dev.storekeeper.ProblemProperties;
import dev.storekeeper.StorekeeperException;
import dev.storekeeper.storage.StorageProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error answer is an RFC 9457 problem document; where a request parameter is at fault it is
 * named in {@code parameter}. Our exceptions carry their status; this is the one place mapping
 * them. Unexpected failures become a 500 without internals (the log has them).
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  private static final URI ABOUT_BLANK = URI.create("about:blank");

  private final StorageProperties storage;

  ProblemHandler(StorageProperties storage) {
    this.storage = storage;
  }

  @ExceptionHandler(StorekeeperException.class)
  ResponseEntity<ProblemDetail> onOurs(StorekeeperException e, HttpServletRequest request) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(e.status()), e.getMessage());
    problem.setTitle(e.title());
    problem.setType(
        (e instanceof dev.storekeeper.storage.s3.ObjectStoreException
                ? ProblemType.STORAGE_UNAVAILABLE
                : ProblemType.of(e.status(), e.parameter() != null))
            .uri());
    if (e.parameter() != null) {
      problem.setProperty("parameter", e.parameter());
    }
    if (e instanceof ProblemProperties extra) {
      extra.properties().forEach(problem::setProperty);
    }
    return respond(problem, request);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> onTypeMismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    String expected = e.getRequiredType() == null ? "value" : describe(e.getRequiredType());
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_REQUEST,
            "%s must be %s, got \"%s\"".formatted(e.getName(), expected, e.getValue()));
    problem.setType(ProblemType.INVALID_PARAMETER.uri());
    problem.setTitle("Invalid request");
    problem.setProperty("parameter", e.getName());
    return respond(problem, request);
  }

  @ExceptionHandler(MultipartException.class)
  ResponseEntity<ProblemDetail> onBadMultipart(MultipartException e, HttpServletRequest request) {
    if (causedByASecondPart(e)) {
      return respond(secondPart(), request);
    }
    ProblemDetail problem =
        ProblemType.INVALID_PARAMETER.problem(
            "The request is not a readable multipart/form-data upload");
    problem.setProperty("parameter", "file");
    return respond(problem, request);
  }

  /**
   * The container stops reading at the second part ({@code server.tomcat.max-part-count=1}), so at
   * most one part is ever spooled; without this, its refusal would read as a 413.
   */
  private static ProblemDetail secondPart() {
    ProblemDetail problem =
        ProblemType.INVALID_PARAMETER.problem(
            "An upload has exactly one part, the file \"file\"; this request has more");
    problem.setProperty("parameter", "file");
    return problem;
  }

  private static boolean causedByASecondPart(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof FileCountLimitExceededException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parameters are parsed and checked when a handler first reads them: Tomcat refuses a malformed
   * query ({@code ?=x}, {@code ?a&=}), the firewall a name or value with characters it does not
   * allow. Both messages quote the offending text, so it is neither echoed nor logged.
   */
  @ExceptionHandler({RequestRejectedException.class, InvalidParameterException.class})
  ResponseEntity<ProblemDetail> onUnreadableParameters(
      RuntimeException e, HttpServletRequest request) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_REQUEST,
            "The query or form parameters are malformed or contain characters that are not"
                + " allowed");
    problem.setType(ProblemType.INVALID_REQUEST.uri());
    problem.setTitle("Invalid request");
    return respond(problem, request);
  }

  /**
   * The database cannot be reached (stopped, restarting, out of connections): the same request may
   * succeed later, so 503 with a Retry-After, not a 500. Logged without a stack trace: the cause is
   * outside this process, and {@code /health} reports it too.
   */
  @ExceptionHandler(DataAccessResourceFailureException.class)
  ResponseEntity<ProblemDetail> onDatabaseUnavailable(
      DataAccessResourceFailureException e, HttpServletRequest request) {
    log.warn(
        "Database unavailable on {} {}: {}",
        request.getMethod(),
        request.getRequestURI(),
        e.getMostSpecificCause().toString());
    ProblemDetail problem =
        ProblemType.DATABASE_UNAVAILABLE.problem(
            "The database cannot be reached; try again later (GET /health shows its state)");
    return answer(problem, request).header(HttpHeaders.RETRY_AFTER, "10").body(problem);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> onUnexpected(Exception e, HttpServletRequest request) {
    log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    ProblemDetail problem =
        ProblemType.INTERNAL_ERROR.problem("An unexpected error occurred; see the server log");
    return respond(problem, request);
  }

  /**
   * A client calling an endpoint with the wrong method is the client's error, not the server's: no
   * WARN in the log (the base class logs one for each), the answer says which methods there are.
   */
  @Override
  protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(
      HttpRequestMethodNotSupportedException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return handleExceptionInternal(e, null, headers, status, request);
  }

  /**
   * Every answer built by the base class (Spring's own exceptions: 404, 405, 406, 415, ...) gets
   * the {@code type} of its kind, like our own problems.
   */
  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && (problem.getType() == null || ABOUT_BLANK.equals(problem.getType()))) {
      boolean namesAParameter =
          problem.getProperties() != null && problem.getProperties().containsKey("parameter");
      ProblemType type = ProblemType.of(problem.getStatus(), namesAParameter);
      problem.setType(type.uri());
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleMissingServletRequestParameter(
      MissingServletRequestParameterException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail problem = e.getBody();
    problem.setProperty("parameter", e.getParameterName());
    return handleExceptionInternal(e, problem, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
      MaxUploadSizeExceededException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (causedByASecondPart(e)) {
      return handleExceptionInternal(e, secondPart(), headers, HttpStatus.BAD_REQUEST, request);
    }
    if (causedByAnOversizedPartHeader(e)) {
      // the container refuses a part header over its limit with the same exception as a large
      // body: that is a malformed request (typically a file name of thousands of characters)
      ProblemDetail problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.BAD_REQUEST,
              "A part header of the multipart upload is too long (is the file name thousands of"
                  + " characters long?)");
      problem.setTitle("Invalid request");
      problem.setProperty("parameter", "file");
      return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }
    ProblemDetail problem = e.getBody();
    problem.setTitle("Upload too large");
    // the container does not tell Spring the limit (it reports -1): name the configured one
    long limit = e.getMaxUploadSize() > 0 ? e.getMaxUploadSize() : storage.maxUploadBytes();
    problem.setDetail("The uploaded file is larger than MAX_UPLOAD_BYTES (" + limit + " bytes)");
    problem.setProperty("parameter", "file");
    return handleExceptionInternal(e, problem, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleMissingServletRequestPart(
      MissingServletRequestPartException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail problem = e.getBody();
    problem.setDetail("The multipart field \"" + e.getRequestPartName() + "\" is required");
    problem.setProperty("parameter", e.getRequestPartName());
    return handleExceptionInternal(e, problem, headers, status, request);
  }

  private static boolean causedByAnOversizedPartHeader(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null
          && cause.getMessage().contains("Header section has more than")) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == java.util.UUID.class) {
      return "a UUID";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase();
    }
    return "a valid " + type.getSimpleName();
  }

  private static ResponseEntity<ProblemDetail> respond(
      ProblemDetail problem, HttpServletRequest request) {
    return answer(problem, request).body(problem);
  }

  /** The status, content type and instance of a problem answer; headers may still be added. */
  private static ResponseEntity.BodyBuilder answer(
      ProblemDetail problem, HttpServletRequest request) {
    try {
      problem.setInstance(URI.create(request.getRequestURI()));
    } catch (IllegalArgumentException unparseable) {
      // the path is echoed only when it is a valid URI
    }
    return ResponseEntity.status(problem.getStatus())
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
  }
}
