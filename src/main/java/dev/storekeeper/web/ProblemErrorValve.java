package dev.storekeeper.web;

import java.io.IOException;
import java.io.PrintWriter;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The servlet container's own error answers as problem documents. Tomcat refuses some requests
 * before any filter or servlet runs (an encoded '/' or '\', a NUL in the path) and renders those
 * errors with this valve; the stock one answers an HTML page. The request path is never echoed: it
 * is what was refused.
 */
final class ProblemErrorValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    ProblemDetail problem;
    if (status == 400) {
      problem =
          ProblemType.INVALID_REQUEST.problem(
              "The request is malformed: its path contains an encoded '/', '\\' or NUL, or"
                  + " another part of it cannot be read");
    } else {
      HttpStatus known = HttpStatus.resolve(status);
      problem =
          ProblemType.of(status, false)
              .problem(status, known == null ? "HTTP error " + status : known.getReasonPhrase());
    }
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding("UTF-8");
      PrintWriter writer = response.getReporter();
      if (writer != null) {
        writer.write(Problems.json(problem));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client is gone or the response was committed meanwhile: nothing more to say
    }
  }
}
