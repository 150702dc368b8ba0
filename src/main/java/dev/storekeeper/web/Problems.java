package dev.storekeeper.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;

/**
 * Writes a problem document outside Spring MVC: filters that answer before it (security, the
 * cross-site and body guards) and the servlet container's error valve, which has no Spring at all.
 */
final class Problems {

  private Problems() {}

  /** A problem of {@code type} with that kind's status and title. */
  static void write(HttpServletResponse response, ProblemType type, String detail, String instance)
      throws IOException {
    write(response, withInstance(type.problem(detail), instance));
  }

  static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
    response.setStatus(problem.getStatus());
    response.setContentType("application/problem+json");
    if (problem.getStatus() == 401) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    // bytes, not a Writer: JSON is UTF-8, and the servlet default charset is not
    response.getOutputStream().write(json(problem).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code instance}: the request path, or null where echoing it back is not wanted. */
  static ProblemDetail withInstance(ProblemDetail problem, String instance) {
    if (instance != null) {
      try {
        problem.setInstance(URI.create(instance));
      } catch (IllegalArgumentException unparseable) {
        // the path is echoed only when it is a valid URI
      }
    }
    return problem;
  }

  /**
   * The document's JSON: the standard members, then the extension members (text, numbers, lists).
   */
  static String json(ProblemDetail problem) {
    StringBuilder body = new StringBuilder("{");
    member(body, "type", String.valueOf(problem.getType()));
    member(body, "title", problem.getTitle());
    body.append(",\"status\":").append(problem.getStatus());
    member(body, "detail", problem.getDetail());
    if (problem.getInstance() != null) {
      member(body, "instance", problem.getInstance().toString());
    }
    Map<String, Object> properties = problem.getProperties();
    if (properties != null) {
      properties.forEach(
          (name, value) -> {
            body.append(",\"").append(escape(name)).append("\":");
            value(body, value);
          });
    }
    return body.append('}').toString();
  }

  private static void member(StringBuilder body, String name, String value) {
    if (value == null) {
      return;
    }
    if (body.length() > 1) {
      body.append(',');
    }
    body.append('"').append(name).append("\":\"").append(escape(value)).append('"');
  }

  private static void value(StringBuilder body, Object value) {
    if (value == null) {
      body.append("null");
    } else if (value instanceof Number || value instanceof Boolean) {
      body.append(value);
    } else if (value instanceof Collection<?> list) {
      body.append('[');
      boolean first = true;
      for (Object element : list) {
        if (!first) {
          body.append(',');
        }
        first = false;
        value(body, element);
      }
      body.append(']');
    } else {
      body.append('"').append(escape(value.toString())).append('"');
    }
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
