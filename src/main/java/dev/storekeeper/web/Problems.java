package dev.storekeeper.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes a problem document outside Spring MVC (security filters answer before it). */
final class Problems {

  private Problems() {}

  /** {@code instance}: the request path, or null where echoing it back is not wanted. */
  static void write(
      HttpServletResponse response, int status, String title, String detail, String instance)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/problem+json");
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    // bytes, not a Writer: JSON is UTF-8, and the servlet default charset is not
    String body =
        "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\""
            .formatted(json(title), status, json(detail));
    if (instance != null) {
      body += ",\"instance\":\"%s\"".formatted(json(instance));
    }
    response.getOutputStream().write((body + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
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
