package dev.storekeeper.storage.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A job's {@code output_objects} (V16): the relative paths and sizes of the objects below {@code
 * outputs/{job_id}/}, as a JSON array of {@code [path, bytes]} pairs. Written by whoever puts the
 * objects (the worker, the migration); read by cleanup, which then deletes exactly those keys. A
 * value that does not parse, or a path that would leave the job's prefix, reads as "unknown": the
 * caller lists the prefix instead, so a damaged record can cost a request, never a wrong delete.
 */
public final class OutputObjects {

  /** More objects than this are not recorded (the row stays small; cleanup lists instead). */
  public static final int MAX_RECORDED = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One object: its path relative to {@code outputs/{job_id}/} and its size. */
  public record Entry(String path, long bytes) {}

  private OutputObjects() {}

  /** The record, or null when there are more than {@link #MAX_RECORDED} objects. */
  public static String encode(List<Entry> objects) {
    if (objects.size() > MAX_RECORDED) {
      return null;
    }
    List<List<Object>> pairs = new ArrayList<>(objects.size());
    for (Entry entry : objects) {
      pairs.add(List.of(entry.path(), entry.bytes()));
    }
    try {
      return JSON.writeValueAsString(pairs);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write output objects", e);
    }
  }

  /** The recorded objects; empty when there is no usable record. */
  public static Optional<List<Entry>> decode(String recorded) {
    if (recorded == null || recorded.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(recorded);
      if (root == null || !root.isArray()) {
        return Optional.empty();
      }
      List<Entry> entries = new ArrayList<>(root.size());
      for (JsonNode pair : root) {
        if (!pair.isArray()
            || pair.size() != 2
            || !pair.get(0).isTextual()
            || !pair.get(1).canConvertToLong()
            || pair.get(1).asLong() < 0) {
          return Optional.empty();
        }
        entries.add(new Entry(pair.get(0).asText(), pair.get(1).asLong()));
      }
      return Optional.of(entries);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
