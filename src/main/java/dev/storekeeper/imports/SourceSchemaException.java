package dev.storekeeper.imports;

import dev.storekeeper.StorekeeperException;

/** The source database is not in the reference application's schema; the message says how. */
public class SourceSchemaException extends StorekeeperException {

  SourceSchemaException(String message) {
    super(400, "source-url", message);
  }

  @Override
  public String title() {
    return "Source database not in NeuroInsight's schema";
  }
}
