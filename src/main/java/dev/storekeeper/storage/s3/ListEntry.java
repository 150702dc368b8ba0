package dev.storekeeper.storage.s3;

import java.time.Instant;

/** One entry of a listing with delimiter {@code /}: an object, or a "directory" (common prefix). */
public sealed interface ListEntry {

  /** The full key, or for a common prefix the full prefix ending with {@code /}. */
  String key();

  /** An object: its size and when the store last wrote it. */
  record StoredObject(String key, long size, Instant lastModified) implements ListEntry {}

  /** Keys below this prefix exist; the listing does not descend into it. */
  record CommonPrefix(String key) implements ListEntry {}
}
