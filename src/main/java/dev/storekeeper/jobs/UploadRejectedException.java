package dev.storekeeper.jobs;

import dev.storekeeper.StorekeeperException;

/** An upload we refuse: empty, too large, or no room left on the data volume. */
public class UploadRejectedException extends StorekeeperException {

  private final String title;

  private UploadRejectedException(int status, String title, String message) {
    super(status, "file", message);
    this.title = title;
  }

  static UploadRejectedException empty() {
    return new UploadRejectedException(400, "Empty upload", "The uploaded file is empty");
  }

  public static UploadRejectedException tooLarge(long limit) {
    return new UploadRejectedException(
        413,
        "Upload too large",
        "The uploaded file is larger than MAX_UPLOAD_BYTES (" + limit + " bytes)");
  }

  static UploadRejectedException noSpace(long freeBytes, long minFreeMb) {
    return new UploadRejectedException(
        507,
        "Insufficient storage",
        "Free space on the data volume (%d MB) is below STORAGE_MIN_FREE_MB (%d MB)"
            .formatted(freeBytes / (1024 * 1024), minFreeMb));
  }

  @Override
  public String title() {
    return title;
  }
}
