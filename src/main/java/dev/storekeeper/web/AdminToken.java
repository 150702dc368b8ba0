package dev.storekeeper.web;

import dev.storekeeper.config.InvalidSettingsException;
import dev.storekeeper.storage.PrivateFiles;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * The admin bearer token: {@code ADMIN_TOKEN}, or else a random token generated on first start and
 * kept in {@code DATA_DIR/admin-token} (mode 0600, published atomically, so that nodes starting
 * together on a shared volume all use the first one written). Only its path is ever logged. Only a
 * digest is kept in memory, and comparison is constant-time.
 */
@Component
@ConditionalOnWebApplication
public class AdminToken {

  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

  /** The shortest token accepted, in the file as in ADMIN_TOKEN (TokenProperties). */
  private static final int MIN_LENGTH = 32;

  private final byte[] digest;

  AdminToken(@Value("${ADMIN_TOKEN:}") String configured, StorageLayout layout) {
    String token =
        configured.isBlank()
            ? loadOrCreate(layout.dataDir().resolve("admin-token"))
            : configured.strip();
    this.digest = sha256(token);
  }

  private static String loadOrCreate(Path file) {
    try {
      PrivateFiles.Secret secret = PrivateFiles.readOrCreateSecret(file, AdminToken::generate);
      String token = secret.value();
      if (token.length() < MIN_LENGTH) {
        throw new InvalidSettingsException(
            "the admin token in %s is %s; a token must have at least %d characters (delete the file to have a new one generated, or set ADMIN_TOKEN)"
                .formatted(
                    file,
                    token.isEmpty() ? "empty" : "only " + token.length() + " characters long",
                    MIN_LENGTH));
      }
      if (secret.created()) {
        log.info("ADMIN_TOKEN is not set: generated an admin token in {} (mode 0600)", file);
      } else {
        log.info("ADMIN_TOKEN is not set: using the admin token stored in {}", file);
      }
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the admin token file " + file, e);
    }
  }

  private static String generate() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
