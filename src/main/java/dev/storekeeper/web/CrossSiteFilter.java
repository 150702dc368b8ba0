package dev.storekeeper.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses state-changing requests (POST, PUT, PATCH, DELETE) that a browser sent from another
 * site's page: an {@code Origin} other than the server's own, or {@code Sec-Fetch-Site:
 * cross-site}. A page elsewhere can make a browser send such a request (a form post needs no CORS),
 * and with anonymous job access it would cancel jobs or upload files in the visitor's name. Origins
 * listed in {@code CORS_ALLOWED_ORIGINS} pass. Clients that are not browsers send neither header
 * and are not affected.
 */
final class CrossSiteFilter extends OncePerRequestFilter {

  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final Set<Origin> allowed;

  CrossSiteFilter(Set<Origin> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (STATE_CHANGING.contains(request.getMethod().toUpperCase(java.util.Locale.ROOT))
        && crossSite(request)) {
      Problems.write(
          response,
          ProblemType.CROSS_SITE_REQUEST,
          "A state-changing request from another origin is refused; only origins listed in"
              + " CORS_ALLOWED_ORIGINS may send them",
          request.getRequestURI());
      return;
    }
    chain.doFilter(request, response);
  }

  private boolean crossSite(HttpServletRequest request) {
    String header = request.getHeader("Origin");
    if (header != null) {
      Optional<Origin> origin = Origin.parse(header);
      if (origin.isPresent() && allowed.contains(origin.get())) {
        return false;
      }
      if (origin.isEmpty() || !origin.get().equals(Origin.of(request))) {
        return true; // includes "null", the origin of sandboxed pages and local files
      }
    }
    return "cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
  }
}
