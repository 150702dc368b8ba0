package dev.storekeeper.cleanup;

import java.util.Locale;

/** Which entry point started a run. */
public enum Trigger {
  SCHEDULE,
  CLI,
  API,
  /** The capacity watermarks: usage crossed STORAGE_HIGH_WATERMARK_PERCENT. */
  CAPACITY;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
