package dev.storekeeper.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Maps job ids to paths and back. Uploads are {@code uploads/{job_id}_{safe name}}, temporary
 * uploads {@code uploads/.incoming-{job_id}.part}, outputs {@code outputs/{job_id}/}: every entry
 * we create encodes its job id, which is what lets the orphan sweep recognise its own files.
 *
 * <p>Both roots are created and resolved to real paths once, at start: a data directory that is
 * itself a symbolic link is allowed, and swapping it later does not move where we delete.
 *
 * <p>The data directory, the roots and the spool are private to the service user (0700), and so are
 * the files directly in the data directory (0600: the embedded database, the admin token, the
 * database passwords): each start creates what is missing with that mode and narrows what exists
 * ({@link PrivateFiles}). Nothing deeper is walked, so start-up stays fast with a million jobs: the
 * 0700 roots already keep other users out of everything below them.
 */
@Component
public class StorageLayout {

  private static final String UUID_TEXT =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern UPLOAD_NAME =
      Pattern.compile("(" + UUID_TEXT + ")_.+", Pattern.DOTALL);
  private static final Pattern TEMP_NAME =
      Pattern.compile("\\.incoming-(" + UUID_TEXT + ")\\.part");
  private static final Pattern OUTPUT_NAME = Pattern.compile(UUID_TEXT);
  private static final int MAX_SAFE_NAME_BYTES = 200;

  private final Path dataDir;
  private final Path uploads;
  private final Path outputs;
  private final Path spool;

  public StorageLayout(StorageProperties properties) {
    this.dataDir = createReal(Path.of(properties.dataDir()));
    this.uploads = createReal(orDefault(properties.uploadDir(), dataDir.resolve("uploads")));
    this.outputs = createReal(orDefault(properties.outputDir(), dataDir.resolve("outputs")));
    this.spool = createReal(dataDir.resolve(".spool"));
    requireOutside("UPLOAD_DIR", uploads);
    requireOutside("OUTPUT_DIR", outputs);
    requireSeparate("UPLOAD_DIR", uploads, "OUTPUT_DIR", outputs);
    narrowFilesIn(dataDir);
  }

  /** The regular files directly in the data directory; links and subdirectories are left alone. */
  private static void narrowFilesIn(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          PrivateFiles.narrow(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list data directory " + dir, e);
    }
  }

  /**
   * The orphan sweep lists each root and treats every entry that is not one of its own names as
   * unrecognised (deleted on request): a root that also holds the other root, the database or the
   * spool would offer those up for deletion.
   */
  private static void requireSeparate(String name, Path root, String otherName, Path other) {
    if (root.startsWith(other) || other.startsWith(root)) {
      throw new IllegalStateException(
          "%s (%s) and %s (%s) must be separate directories, neither inside the other"
              .formatted(name, root, otherName, other));
    }
  }

  private void requireOutside(String name, Path root) {
    if (spool.startsWith(root)) {
      throw new IllegalStateException(
          "%s (%s) must not be DATA_DIR (%s) or contain it: cleanup would treat the database and"
                  .formatted(name, root, dataDir)
              + " spooled uploads as unrecognised entries");
    }
  }

  /** Where the web server spools large uploads: inside the data directory, outside uploads/. */
  public Path spoolDir() {
    return spool;
  }

  private static Path orDefault(String configured, Path fallback) {
    return configured == null || configured.isBlank() ? fallback : Path.of(configured);
  }

  /** Creates a directory (0700) unless it exists, resolves it and narrows it to 0700. */
  private static Path createReal(Path path) {
    try {
      PrivateFiles.createDirectories(path);
      Path real = path.toRealPath();
      PrivateFiles.narrow(real);
      return real;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create data directory " + path, e);
    }
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path uploadsRoot() {
    return uploads;
  }

  public Path outputsRoot() {
    return outputs;
  }

  /** The entry name of a job's upload: the job id, an underscore, the sanitised original name. */
  public static String uploadName(UUID jobId, String originalFilename) {
    return jobId + "_" + safeName(originalFilename);
  }

  public static String tempUploadName(UUID jobId) {
    return ".incoming-" + jobId + ".part";
  }

  public Path outputDir(UUID jobId) {
    return outputs.resolve(jobId.toString());
  }

  /** The job id an upload entry name encodes (a temporary upload's too), if any. */
  public static Optional<UUID> jobIdOfUpload(String entryName) {
    var upload = UPLOAD_NAME.matcher(entryName);
    if (upload.matches()) {
      return Optional.of(UUID.fromString(upload.group(1)));
    }
    var temp = TEMP_NAME.matcher(entryName);
    return temp.matches() ? Optional.of(UUID.fromString(temp.group(1))) : Optional.empty();
  }

  public static boolean isTempUpload(String entryName) {
    return TEMP_NAME.matcher(entryName).matches();
  }

  public static Optional<UUID> jobIdOfOutput(String entryName) {
    return OUTPUT_NAME.matcher(entryName).matches()
        ? Optional.of(UUID.fromString(entryName))
        : Optional.empty();
  }

  /**
   * A name that is safe as a single path component: the last segment of whatever the client sent
   * (either separator), without control characters, NUL, unpaired surrogates or leading dots, at
   * most 200 UTF-8 bytes.
   */
  public static String safeName(String original) {
    String name = original == null ? "" : original;
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    StringBuilder safe = new StringBuilder();
    name.codePoints()
        // an unpaired surrogate has no UTF-8 form: the file system would refuse the path
        .map(cp -> Character.getType(cp) == Character.SURROGATE ? '_' : cp)
        .forEach(
            cp -> {
              boolean control = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
              boolean unsafe =
                  control
                      || cp == ':'
                      || cp == '*'
                      || cp == '?'
                      || cp == '"'
                      || cp == '<'
                      || cp == '>'
                      || cp == '|'
                      || Character.isWhitespace(cp);
              safe.appendCodePoint(unsafe ? '_' : cp);
            });
    String result = safe.toString().replaceAll("^[.]+", "");
    // keep the end of an over-long name: the extension is what tells a reader what the file is
    int[] cps = result.codePoints().toArray();
    int start = cps.length;
    int bytes = 0;
    while (start > 0) {
      int width = new String(cps, start - 1, 1).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + width > MAX_SAFE_NAME_BYTES) {
        break;
      }
      bytes += width;
      start--;
    }
    result = new String(cps, start, cps.length - start).replaceAll("^[.]+", "");
    return result.isEmpty() ? "upload" : result;
  }
}
