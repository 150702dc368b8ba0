package dev.storekeeper.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Where a reference job's stored paths lead under {@code --source-data}, decided from the text
 * alone so that nothing outside is ever opened. The reference stored its paths as its container saw
 * them ({@code /app/data/uploads/...}, {@code data/outputs/...}), so only their tail is used: an
 * upload must be named directly in an {@code uploads} directory, a result must lie in {@code
 * outputs/{its job id}}. A path with a {@code ..} component is refused whatever it would resolve
 * to.
 */
final class SourcePaths {

  private SourcePaths() {}

  /** A mapping, or why there is none. */
  record Mapped(String value, String refusal) {
    static Mapped to(String value) {
      return new Mapped(value, null);
    }

    static Mapped refused(String why) {
      return new Mapped(null, why);
    }

    boolean refused() {
      return refusal != null;
    }
  }

  /** The entry name in {@code DIR/uploads/} that {@code file_path} stands for. */
  static Mapped upload(String filePath) {
    if (filePath == null || filePath.isBlank()) {
      return Mapped.refused("it has no file_path");
    }
    List<String> parts = components(filePath);
    if (parts == null) {
      return Mapped.refused("its file_path contains '..' or a NUL character");
    }
    int n = parts.size();
    if (n < 2 || !parts.get(n - 2).equals("uploads")) {
      return Mapped.refused("its file_path does not name a file directly in an uploads/ directory");
    }
    return Mapped.to(parts.get(n - 1));
  }

  /**
   * The part of {@code result_path} below {@code outputs/{jobId}} ("" for the directory itself), or
   * null when there is no result path.
   */
  static Mapped result(String resultPath, UUID jobId) {
    if (resultPath == null || resultPath.isBlank()) {
      return Mapped.to(null);
    }
    List<String> parts = components(resultPath);
    if (parts == null) {
      return Mapped.refused("its result_path contains '..' or a NUL character");
    }
    String id = jobId.toString();
    for (int i = parts.size() - 2; i >= 0; i--) {
      if (parts.get(i).equals("outputs") && parts.get(i + 1).equals(id)) {
        return Mapped.to(String.join("/", parts.subList(i + 2, parts.size())));
      }
    }
    return Mapped.refused("its result_path does not point into outputs/" + id + "/");
  }

  /** The non-empty, non-"." components; null when one is ".." or the text holds a NUL. */
  private static List<String> components(String path) {
    if (path.indexOf('\0') >= 0) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/", -1)) {
      if (part.equals("..")) {
        return null;
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return parts;
  }
}
