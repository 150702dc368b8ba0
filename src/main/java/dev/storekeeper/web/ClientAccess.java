package dev.storekeeper.web;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.stereotype.Component;

/**
 * Who may use the job endpoints (uploads, job reads, downloads, cancel). With {@code API_TOKEN}
 * set: clients presenting it or the admin token. Without it: anyone, but only while the service
 * listens on a loopback address, where "anyone" means local processes; listening on the network
 * without a token is refused at start unless {@code ALLOW_ANONYMOUS_JOBS=true} says it is meant.
 * Decided once, before the server accepts connections.
 */
@Component
@ConditionalOnWebApplication
class ClientAccess {

  private static final Logger log = LoggerFactory.getLogger(ClientAccess.class);

  private final byte[] apiTokenDigest;
  private final boolean anonymous;

  ClientAccess(WebProperties web, ServerProperties server, AdminToken admin) {
    String token = web.apiTokenOrNull();
    InetAddress address = server.getAddress();
    boolean loopback = address != null && address.isLoopbackAddress();
    String where = address == null ? "all interfaces" : address.getHostAddress();
    if (token != null) {
      if (admin.matches(token)) {
        throw new StartupRefusedException(
            "API_TOKEN is the same as the admin token, so every client holding it could run and"
                + " configure cleanups.",
            "Set API_TOKEN to a different random secret, e.g. API_TOKEN=$(openssl rand -base64"
                + " 32).");
      }
      this.apiTokenDigest = sha256(token);
      this.anonymous = false;
    } else if (loopback) {
      this.apiTokenDigest = null;
      this.anonymous = true;
    } else if (web.allowAnonymousJobs()) {
      this.apiTokenDigest = null;
      this.anonymous = true;
      log.warn(
          "ALLOW_ANONYMOUS_JOBS=true: anyone who can reach {} may upload, list, download and"
              + " cancel jobs; set API_TOKEN to require a token",
          where);
    } else {
      throw new StartupRefusedException(
          "the service would listen on "
              + where
              + " (SERVER_ADDRESS), which is not a loopback address, and API_TOKEN is not set:"
              + " anyone who can reach the port could upload, list, download and cancel jobs.",
          "Set API_TOKEN to a random secret (e.g. API_TOKEN=$(openssl rand -base64 32)) and have"
              + " clients send Authorization: Bearer <API_TOKEN>; or set"
              + " ALLOW_ANONYMOUS_JOBS=true to allow anonymous job access on purpose; or keep"
              + " SERVER_ADDRESS=127.0.0.1 (the default) behind a reverse proxy.");
    }
  }

  /** Whether job endpoints may be used without a token. */
  boolean anonymousAllowed() {
    return anonymous;
  }

  boolean matchesApiToken(String presented) {
    return apiTokenDigest != null
        && presented != null
        && MessageDigest.isEqual(apiTokenDigest, sha256(presented));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
