package dev.storekeeper.cleanup;

import java.util.Locale;

/** Which entry point started a run. */
public enum Trigger {
  SCHEDULE,
  CLI,
  API;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
