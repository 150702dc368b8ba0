package dev.storekeeper.web;

import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
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
      if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
        create(file);
      }
      ownerOnly(file);
      String token = Files.readString(file).strip();
      if (token.isEmpty()) {
        throw new IllegalStateException(
            "Invalid configuration: the admin token file " + file + " is empty");
      }
      log.info("ADMIN_TOKEN is not set: using the admin token stored in {}", file);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the admin token file " + file, e);
    }
  }

  /**
   * Writes a new random token to a private temporary file and publishes it with a hard link, which
   * fails if the file exists: nodes starting together on a shared volume all end up with the one
   * token that was published first, and nobody ever reads a half-written file.
   */
  private static void create(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path temp =
        Files.createTempFile(
            file.getParent(),
            ".admin-token-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, token + "\n");
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException raced) {
        return; // another node published its token first; use theirs
      } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
        Files.move(temp, file);
      }
      log.info("ADMIN_TOKEN is not set: generated an admin token in {} (mode 0600)", file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The token file must be readable by its owner only; a wider mode is narrowed, with a warning.
   */
  private static void ownerOnly(Path file) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> owner =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    Set<PosixFilePermission> current = view.readAttributes().permissions();
    if (!owner.containsAll(current)) {
      view.setPermissions(owner);
      log.warn("The admin token file {} was readable by others; its mode is now 0600", file);
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
