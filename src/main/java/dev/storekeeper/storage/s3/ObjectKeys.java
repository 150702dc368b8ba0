package dev.storekeeper.storage.s3;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Maps jobs to object keys inside the configured prefix, with the reference application's names:
 * {@code {prefix}uploads/{job_id}_{name}} and {@code {prefix}outputs/{job_id}/{path}}. Every key we
 * read, write or delete passes {@link #requireOurs}: inside the prefix, no empty, {@code .} or
 * {@code ..} segment (S3 keeps such keys literally, but stores backed by a filesystem resolve them,
 * and a key that climbs out of the prefix must never reach a delete), within S3's 1,024 bytes.
 *
 * <p>Apart from {@code /}, names are kept exactly: unicode, newlines, {@code %}, {@code +} and
 * spaces round-trip (the SDK encodes them; listings ask for URL-encoded keys and decode them).
 */
public final class ObjectKeys {

  /** S3's limit on a key, in UTF-8 bytes. */
  static final int MAX_KEY_BYTES = 1024;

  static final String UPLOADS = "uploads/";
  static final String OUTPUTS = "outputs/";
  static final String SERVICE = ".storekeeper/";

  private final String prefix;

  /**
   * {@code prefix}: empty or ending with {@code /}, as {@link ObjectStorageProperties#prefix()}.
   */
  public ObjectKeys(String prefix) {
    String problem = ObjectStorageRules.prefixProblem(prefix);
    if (problem != null || !(prefix.isEmpty() || prefix.endsWith("/"))) {
      throw new UnsafeKeyException("S3_PREFIX " + (problem == null ? "must end with /" : problem));
    }
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** Where uploads live: {@code {prefix}uploads/}. */
  public String uploadsPrefix() {
    return prefix + UPLOADS;
  }

  /** Where outputs live: {@code {prefix}outputs/}. */
  public String outputsPrefix() {
    return prefix + OUTPUTS;
  }

  /** The service's own objects (the start-up probe): {@code {prefix}.storekeeper/}. */
  public String servicePrefix() {
    return prefix + SERVICE;
  }

  /** {@code {prefix}uploads/{job_id}_{name}}; the name is one segment. */
  public String upload(UUID jobId, String name) {
    if (name == null || name.isEmpty() || name.indexOf('/') >= 0) {
      throw new UnsafeKeyException(
          "an upload name must be one non-empty segment without /, got " + quoted(name));
    }
    return requireOurs(uploadsPrefix() + jobId + "_" + name);
  }

  /** {@code {prefix}outputs/{job_id}/}: the "directory" of a job's outputs. */
  public String outputs(UUID jobId) {
    return outputsPrefix() + jobId + "/";
  }

  /** {@code {prefix}outputs/{job_id}/{path}} for a relative path inside the output tree. */
  public String output(UUID jobId, String relativePath) {
    if (relativePath == null || relativePath.isEmpty() || relativePath.startsWith("/")) {
      throw new UnsafeKeyException(
          "an output path must be relative and non-empty, got " + quoted(relativePath));
    }
    return requireOurs(outputs(jobId) + relativePath);
  }

  /**
   * {@code key} unchanged when it is safe to touch: strictly inside the prefix, no empty, {@code .}
   * or {@code ..} segment after it, no NUL, at most 1,024 bytes.
   */
  public String requireOurs(String key) {
    if (key == null || !key.startsWith(prefix) || key.length() == prefix.length()) {
      throw new UnsafeKeyException("the key " + quoted(key) + " is outside " + quoted(prefix));
    }
    if (key.indexOf('\0') >= 0) {
      throw new UnsafeKeyException("the key " + quoted(key) + " contains a NUL character");
    }
    String rest = key.substring(prefix.length());
    // a trailing / names a "directory" (outputs/{id}/), which is a key prefix, not an object
    String body = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
    for (String segment : body.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new UnsafeKeyException(
            "the key " + quoted(key) + " has an empty, . or .. segment after the prefix");
      }
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new UnsafeKeyException(
          "the key " + quoted(key) + " is longer than " + MAX_KEY_BYTES + " bytes");
    }
    return key;
  }

  /** Whether {@link #requireOurs} accepts {@code key}. */
  public boolean isOurs(String key) {
    try {
      requireOurs(key);
      return true;
    } catch (UnsafeKeyException e) {
      return false;
    }
  }

  private static String quoted(String text) {
    if (text == null) {
      return "nothing";
    }
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    StringBuilder out = new StringBuilder("\"");
    shown
        .codePoints()
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.append('"').toString();
  }
}
