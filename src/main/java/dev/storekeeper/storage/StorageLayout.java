package dev.storekeeper.storage;

import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStorageProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
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
  private static final int MAX_SAFE_NAME_LENGTH = 200;

  /** An absolute path in a text: a '/' at the start of a word, up to a space or punctuation. */
  private static final Pattern ABSOLUTE_PATH =
      Pattern.compile("(?<![^\\s'\"(=\\[])/[^\\s'\"():;,\\[\\]]+");

  private final Path dataDir;
  private final Path uploads;
  private final Path outputs;
  private final Path spool;
  private final Path work;
  private final List<Shown> shown;

  private final String objectPrefix;

  public StorageLayout(StorageProperties properties) {
    this(properties, "");
  }

  /** {@code objectPrefix}: S3_PREFIX, so that object locations are shown without it. */
  @org.springframework.beans.factory.annotation.Autowired
  public StorageLayout(StorageProperties properties, ObjectStorageProperties objectStorage) {
    this(properties, objectStorage.isS3() ? objectStorage.prefix() : "");
  }

  private StorageLayout(StorageProperties properties, String objectPrefix) {
    this.objectPrefix = objectPrefix;
    Path configuredData = Path.of(properties.dataDir());
    Path configuredUploads = orDefault(properties.uploadDir(), configuredData.resolve("uploads"));
    Path configuredOutputs = orDefault(properties.outputDir(), configuredData.resolve("outputs"));
    this.dataDir = createReal(configuredData);
    this.uploads = createReal(configuredUploads);
    this.outputs = createReal(configuredOutputs);
    this.spool = createReal(dataDir.resolve(".spool"));
    // created by the s3 backend's worker only: the filesystem backend processes in outputs/
    this.work =
        orDefault(properties.workDir(), dataDir.resolve("work")).toAbsolutePath().normalize();
    requireOutside("UPLOAD_DIR", uploads);
    requireOutside("OUTPUT_DIR", outputs);
    requireSeparate("UPLOAD_DIR", uploads, "OUTPUT_DIR", outputs);
    requireSeparate("WORK_DIR", work, "UPLOAD_DIR", uploads);
    requireSeparate("WORK_DIR", work, "OUTPUT_DIR", outputs);
    this.shown =
        Shown.of(
            List.of(
                new Shown(uploads, "uploads"),
                new Shown(configuredUploads, "uploads"),
                new Shown(outputs, "outputs"),
                new Shown(configuredOutputs, "outputs"),
                new Shown(spool, ".spool"),
                new Shown(work, "work"),
                new Shown(dataDir, ""),
                new Shown(configuredData, "")));
    narrowFilesIn(dataDir);
  }

  /** A root as answers show it: its name in the data layout instead of its absolute path. */
  private record Shown(Path root, String name) {
    /** Absolute forms only, the most specific (longest) first, so uploads/ wins over DATA_DIR. */
    static List<Shown> of(List<Shown> roots) {
      List<Shown> absolute = new ArrayList<>();
      for (Shown root : roots) {
        Shown normal = new Shown(root.root().toAbsolutePath().normalize(), root.name());
        if (!absolute.contains(normal)) {
          absolute.add(normal);
        }
      }
      absolute.sort(Comparator.comparingInt((Shown s) -> s.root().toString().length()).reversed());
      return List.copyOf(absolute);
    }
  }

  /**
   * A stored path as an answer shows it: relative to the data layout ({@code uploads/<name>},
   * {@code outputs/<job_id>/results.json}) and never the server's absolute path, which tells a
   * client where the service keeps its files. A path outside the data directories shows only its
   * file name. The database keeps the absolute paths; only views convert.
   */
  public String display(String path) {
    if (path == null || path.isEmpty()) {
      return path;
    }
    if (ObjectLocations.isObject(path)) {
      return objectDisplay(path);
    }
    Path stored;
    try {
      stored = Path.of(path).normalize();
    } catch (InvalidPathException unparseable) {
      return lastSegment(path);
    }
    if (stored.isAbsolute()) {
      for (Shown root : shown) {
        if (stored.startsWith(root.root())) {
          String relative = root.root().relativize(stored).toString();
          if (root.name().isEmpty()) {
            return relative.isEmpty() ? "." : relative;
          }
          return relative.isEmpty() ? root.name() : root.name() + "/" + relative;
        }
      }
    }
    Path name = stored.getFileName();
    return name == null ? lastSegment(path) : name.toString();
  }

  /**
   * A message as an answer shows it: every absolute path of a data directory in it is replaced by
   * its name in the layout ({@code /srv/data/uploads/x} becomes {@code uploads/x}, the data
   * directory itself {@code DATA_DIR}), and any other absolute path by its file name. For texts
   * that quote paths: file errors, a processor's output, cleanup errors.
   */
  public String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (Shown root : shown) {
      String prefix = root.root().toString();
      if (prefix.equals("/") || !result.contains(prefix)) {
        continue;
      }
      String quoted = Pattern.quote(prefix);
      result =
          result.replaceAll(
              quoted + "/",
              Matcher.quoteReplacement(root.name().isEmpty() ? "" : root.name() + "/"));
      result =
          result.replaceAll(
              quoted + "(?=$|[\\s:;,'\")\\]])",
              Matcher.quoteReplacement(root.name().isEmpty() ? "DATA_DIR" : root.name()));
    }
    return ABSOLUTE_PATH
        .matcher(result)
        .replaceAll(path -> Matcher.quoteReplacement(lastSegment(path.group())));
  }

  /**
   * An object location ({@code s3://bucket/prefix/uploads/x}) as answers show a file: from {@code
   * uploads/} or {@code outputs/} on, without the bucket and prefix; anything else by its last
   * segment.
   */
  private String objectDisplay(String path) {
    String key = path.substring(path.indexOf('/', "s3://".length()) + 1);
    if (key.startsWith(objectPrefix)) {
      String rest = key.substring(objectPrefix.length());
      if (rest.startsWith("uploads/") || rest.startsWith("outputs/")) {
        return rest;
      }
    }
    return lastSegment(path);
  }

  private static String lastSegment(String path) {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
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

  /**
   * WORK_DIR: where the s3 backend processes jobs, one {@code {job_id}/} each; not created here.
   */
  public Path workRoot() {
    return work;
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
   * The stored form of a client's file name: the last segment of whatever the client sent (either
   * separator), in the alphabet {@code [A-Za-z0-9._-]} only, at most 200 characters, never starting
   * with {@code .} or {@code -}, never empty ({@code upload}).
   *
   * <p>The alphabet is what makes the name harmless wherever an operator puts it: operators wrap
   * pipelines in {@code sh -c '... {input} ...'}, so a kept {@code ;}, {@code $}, quote, backtick,
   * space or newline would be shell syntax, and a leading {@code -} would be an option. Every other
   * character becomes {@code _} (a run of them one {@code _}). An over-long name keeps its end,
   * where the extension tells a reader what the file is. The original name is kept for display in
   * the job's {@code filename}.
   */
  public static String safeName(String original) {
    String name = original == null ? "" : original;
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    StringBuilder safe = new StringBuilder(Math.min(name.length(), 2 * MAX_SAFE_NAME_LENGTH));
    boolean replacing = false;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      if (isSafe(cp)) {
        safe.append((char) cp);
        replacing = false;
      } else if (!replacing) {
        safe.append('_');
        replacing = true;
      }
    }
    String result = stripLeading(safe.toString());
    if (result.length() > MAX_SAFE_NAME_LENGTH) {
      result = stripLeading(result.substring(result.length() - MAX_SAFE_NAME_LENGTH));
    }
    return result.chars().anyMatch(StorageLayout::isLetterOrDigit) ? result : "upload";
  }

  private static boolean isSafe(int cp) {
    return isLetterOrDigit(cp) || cp == '.' || cp == '_' || cp == '-';
  }

  private static boolean isLetterOrDigit(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }

  /** A leading dot hides a file, a leading dash reads as an option to the processor. */
  private static String stripLeading(String name) {
    int start = 0;
    while (start < name.length() && (name.charAt(start) == '.' || name.charAt(start) == '-')) {
      start++;
    }
    return name.substring(start);
  }
}
