package dev.storekeeper.web;

import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
 * kept in {@code DATA_DIR/admin-token} (mode 0600). Only its path is ever logged. Only a digest is
 * kept in memory, and comparison is constant-time.
 */
@Component
@ConditionalOnWebApplication
public class AdminToken {

  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

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
      if (!Files.exists(file)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, token + "\n", StandardOpenOption.TRUNCATE_EXISTING);
          log.info("ADMIN_TOKEN is not set: generated an admin token in {}", file);
        } catch (FileAlreadyExistsException raced) {
          // another node created it first; use theirs
        }
      }
      log.info("ADMIN_TOKEN is not set: using the admin token stored in {}", file);
      String token = Files.readString(file).strip();
      if (token.isEmpty()) {
        throw new IllegalStateException(
            "Invalid configuration: the admin token file " + file + " is empty");
      }
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the admin token file " + file, e);
    }
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
