package dev.storekeeper.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code CORS_ALLOWED_ORIGINS}: the web origins whose pages may call the API from a browser. Empty
 * (the default) means no CORS at all: no {@code Access-Control-*} header is ever sent and every
 * preflight is refused. Entries are exact origins; a path, a wildcard or anything that is not
 * {@code scheme://host[:port]} stops startup, since a near-miss would either open the API wider
 * than meant or silently not work.
 */
final class CorsOrigins {

  private CorsOrigins() {}

  static Set<Origin> parse(String setting) {
    Set<Origin> origins = new LinkedHashSet<>();
    if (setting == null || setting.isBlank()) {
      return origins;
    }
    for (String entry : setting.split(",", -1)) {
      Origin origin =
          Origin.parse(entry)
              .orElseThrow(
                  () ->
                      new StartupRefusedException(
                          "CORS_ALLOWED_ORIGINS has the entry \""
                              + entry.strip()
                              + "\", which is not an origin.",
                          "Write each allowed origin exactly as browsers send it, scheme://host"
                              + " with an optional :port, no path and no '*', separated by"
                              + " commas: CORS_ALLOWED_ORIGINS=https://app.example.com,"
                              + "http://localhost:3000"));
      origins.add(origin);
    }
    return origins;
  }

  /**
   * Answers preflights and adds CORS headers for the allowed origins; refuses the rest. With no
   * origin allowed, every preflight is refused, so that browsers never get as far as the request.
   */
  static OncePerRequestFilter filter(Set<Origin> origins) {
    if (origins.isEmpty()) {
      return new OncePerRequestFilter() {
        @Override
        protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
          if (CorsUtils.isPreFlightRequest(request)) {
            Problems.write(
                response, refused("CORS is not enabled (CORS_ALLOWED_ORIGINS is empty)"));
            return;
          }
          chain.doFilter(request, response);
        }
      };
    }
    CorsConfiguration config = new CorsConfiguration();
    config.setAllowedOrigins(origins.stream().map(Origin::toString).toList());
    config.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"));
    config.setAllowedHeaders(List.of("Authorization", "Content-Type"));
    config.setExposedHeaders(
        List.of("Location", "Retry-After", "Content-Disposition", "WWW-Authenticate"));
    // tokens travel in the Authorization header, never in cookies
    config.setAllowCredentials(false);
    config.setMaxAge(600L);
    CorsFilter filter = new CorsFilter(request -> config);
    filter.setCorsProcessor(new ProblemCorsProcessor());
    return filter;
  }

  private static ProblemDetail refused(String detail) {
    return ProblemType.CROSS_SITE_REQUEST.problem(detail);
  }

  /** Refuses with a problem document instead of the plain-text "Invalid CORS request". */
  private static final class ProblemCorsProcessor extends DefaultCorsProcessor {
    @Override
    protected void rejectRequest(ServerHttpResponse response) throws IOException {
      response.setStatusCode(HttpStatus.FORBIDDEN);
      response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
      String body =
          Problems.json(
              refused(
                  "This origin may not call the API from a browser; allowed origins are listed"
                      + " in CORS_ALLOWED_ORIGINS"));
      response.getBody().write(body.getBytes(StandardCharsets.UTF_8));
      response.flush();
    }
  }
}
