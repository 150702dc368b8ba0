package dev.storekeeper.cleanup;

import java.util.Locale;

/** How a run ended. {@code partial}: it finished, but some items could not be deleted. */
public enum Outcome {
  RUNNING,
  SUCCEEDED,
  PARTIAL,
  FAILED;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Outcome of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
