package dev.storekeeper.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A web origin, {@code scheme://host[:port]}, in the form browsers send it in {@code Origin}: lower
 * case, without the scheme's default port, IPv6 hosts in brackets.
 */
record Origin(String scheme, String host, int port) {

  /** An {@code Origin} header or a configured origin; empty when it is not exactly an origin. */
  static Optional<Origin> parse(String text) {
    if (text == null || text.isBlank() || text.contains("*")) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(text.strip());
      boolean bare =
          uri.getScheme() != null
              && uri.getHost() != null
              && uri.getRawUserInfo() == null
              && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
              && uri.getRawQuery() == null
              && uri.getRawFragment() == null;
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!bare || !(scheme.equals("http") || scheme.equals("https"))) {
        return Optional.empty();
      }
      return Optional.of(of(scheme, uri.getHost(), uri.getPort()));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** The origin of the server as this request reached it: scheme, Host header and port. */
  static Origin of(HttpServletRequest request) {
    return of(request.getScheme(), request.getServerName(), request.getServerPort());
  }

  private static Origin of(String scheme, String host, int port) {
    String lowerScheme = scheme.toLowerCase(Locale.ROOT);
    String bareHost =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int defaultPort = lowerScheme.equals("https") ? 443 : lowerScheme.equals("http") ? 80 : -1;
    return new Origin(
        lowerScheme, bareHost.toLowerCase(Locale.ROOT), port == defaultPort ? -1 : port);
  }

  @Override
  public String toString() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return scheme + "://" + shownHost + (port == -1 ? "" : ":" + port);
  }
}
