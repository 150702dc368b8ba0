package dev.storekeeper.web;

import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.ProblemDetail;

/**
 * What an upload request may be before the servlet container spools any of it to {@code
 * DATA_DIR/.spool}: at most {@code MAX_UPLOAD_BYTES} plus {@link #FRAMING_ALLOWANCE} for the
 * multipart framing (boundaries, the part's headers), and small enough that the data volume keeps
 * {@code STORAGE_MIN_FREE_MB} free. A declared {@code Content-Length} is checked here; a chunked
 * body, whose size is not known in advance, is cut off by the container at the same cap while it is
 * read ({@link MultipartConfig}), and the free space is checked again once it is stored.
 */
final class UploadLimits {

  /** Room for the multipart framing around the file: boundaries and one part's headers. */
  static final long FRAMING_ALLOWANCE = 16 * 1024;

  private final StorageLayout layout;
  private final StorageProperties storage;

  UploadLimits(StorageLayout layout, StorageProperties storage) {
    this.layout = layout;
    this.storage = storage;
  }

  /** The largest upload request accepted: the file and its framing. */
  long requestCap() {
    return capFor(storage.maxUploadBytes());
  }

  static long capFor(long maxUploadBytes) {
    return maxUploadBytes > Long.MAX_VALUE - FRAMING_ALLOWANCE
        ? Long.MAX_VALUE
        : maxUploadBytes + FRAMING_ALLOWANCE;
  }

  Optional<ProblemDetail> check(HttpServletRequest request, long contentLength) {
    if (contentLength < 0) {
      return Optional.empty();
    }
    if (contentLength > requestCap()) {
      ProblemDetail problem =
          ProblemType.UPLOAD_TOO_LARGE.problem(
              "The upload (%d bytes) is larger than MAX_UPLOAD_BYTES (%d bytes) plus %d bytes for the multipart framing"
                  .formatted(contentLength, storage.maxUploadBytes(), FRAMING_ALLOWANCE));
      problem.setProperty("parameter", "file");
      return Optional.of(problem);
    }
    long minFree = storage.storageMinFreeMb() * 1024 * 1024;
    for (Path volume : volumes()) {
      long free = usableSpace(volume);
      if (free - contentLength < minFree) {
        ProblemDetail problem =
            ProblemType.INSUFFICIENT_STORAGE.problem(
                "Free space on the data volume (%d MB) less this upload (%d MB) is below STORAGE_MIN_FREE_MB (%d MB)"
                    .formatted(
                        free / (1024 * 1024),
                        (contentLength + 1024 * 1024 - 1) / (1024 * 1024),
                        storage.storageMinFreeMb()));
        problem.setProperty("parameter", "file");
        return Optional.of(problem);
      }
    }
    return Optional.empty();
  }

  /** Where an upload takes room: the spool while it is received, then uploads/. */
  private Set<Path> volumes() {
    Set<Path> volumes = new LinkedHashSet<>();
    volumes.add(layout.spoolDir());
    volumes.add(layout.uploadsRoot());
    return volumes;
  }

  private static long usableSpace(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      return store.getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the free space of a data directory", e);
    }
  }
}
