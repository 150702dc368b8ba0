package dev.storekeeper.storage.s3;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules of the object-storage settings, checked before anything connects: a bucket name S3
 * accepts, an endpoint that is an http(s) URL and nothing more, a prefix that cannot climb out of
 * itself. Each problem is reported on its own property, so the refusal names the variable.
 *
 * <p>The S3 settings are checked only when {@code STORAGE_BACKEND=s3}. Public, with a public
 * constructor, because Hibernate Validator instantiates it reflectively.
 */
public final class ObjectStorageRules
    implements ConstraintValidator<ValidObjectStorage, ObjectStorageProperties> {

  /** S3's bucket rules (general purpose buckets): 3 to 63 of a-z 0-9 . -, ends alphanumeric. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final int MAX_REGION_LENGTH = 40;

  /** Half of S3's 1,024-byte key limit: the rest is for uploads/{job id}_{name} and outputs. */
  static final int MAX_PREFIX_BYTES = 512;

  public ObjectStorageRules() {}

  @Override
  public boolean isValid(ObjectStorageProperties settings, ConstraintValidatorContext context) {
    Map<String, String> problems = problems(settings);
    if (problems.isEmpty()) {
      return true;
    }
    context.disableDefaultConstraintViolation();
    problems.forEach(
        (property, problem) ->
            context
                .buildConstraintViolationWithTemplate(escape(problem))
                .addPropertyNode(property)
                .addConstraintViolation());
    return false;
  }

  /** Problems by record component name ({@code s3Bucket}), in the order the settings are listed. */
  static Map<String, String> problems(ObjectStorageProperties settings) {
    Map<String, String> problems = new LinkedHashMap<>();
    String backend = settings.backend();
    if (!backend.equals(ObjectStorageProperties.FILESYSTEM)
        && !backend.equals(ObjectStorageProperties.S3)) {
      problems.put("storageBackend", "must be filesystem or s3");
      return problems;
    }
    if (!settings.isS3()) {
      return problems;
    }
    String bucketProblem = bucketProblem(settings.s3Bucket());
    if (bucketProblem != null) {
      problems.put("s3Bucket", bucketProblem);
    }
    String prefixProblem = prefixProblem(settings.s3Prefix());
    if (prefixProblem != null) {
      problems.put("s3Prefix", prefixProblem);
    }
    String endpointProblem = endpointProblem(settings.s3Endpoint());
    if (endpointProblem != null) {
      problems.put("s3Endpoint", endpointProblem);
    }
    String regionProblem = regionProblem(settings.s3Region());
    if (regionProblem != null) {
      problems.put("s3Region", regionProblem);
    }
    return problems;
  }

  static String bucketProblem(String bucket) {
    if (ObjectStorageProperties.isBlank(bucket)) {
      return "must be set when STORAGE_BACKEND is s3";
    }
    if (!BUCKET.matcher(bucket).matches()
        || bucket.contains("..")
        || bucket.contains(".-")
        || bucket.contains("-.")
        || IP_ADDRESS.matcher(bucket).matches()
        || bucket.startsWith("xn--")
        || bucket.endsWith("-s3alias")) {
      return "must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens,"
          + " starting and ending with a letter or digit, no two dots in a row, not an IP address";
    }
    return null;
  }

  static String prefixProblem(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return null;
    }
    if (prefix.codePoints().anyMatch(Character::isISOControl)) {
      return "must not contain control characters (newlines, tabs, ...)";
    }
    if (prefix.startsWith("/")) {
      return "must not start with / (keys are relative to the bucket)";
    }
    String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    for (String segment : body.split("/", -1)) {
      if (segment.isEmpty()) {
        return "must not contain an empty segment (//)";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "must not contain . or .. segments";
      }
    }
    if (normalisedPrefix(prefix).getBytes(StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
      return "must be at most " + MAX_PREFIX_BYTES + " bytes long";
    }
    return null;
  }

  static String endpointProblem(String endpoint) {
    if (ObjectStorageProperties.isBlank(endpoint)) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(endpoint.trim());
    } catch (URISyntaxException e) {
      return "must be an http:// or https:// URL such as http://127.0.0.1:9000";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return "must be an http:// or https:// URL such as http://127.0.0.1:9000";
    }
    if (uri.getRawUserInfo() != null) {
      // credentials come from the AWS SDK's provider chain, never from a URL that gets logged
      return "must not contain credentials (use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "must not have a query or fragment";
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      return "must not have a path (the bucket goes in S3_BUCKET, a key prefix in S3_PREFIX)";
    }
    return null;
  }

  static String regionProblem(String region) {
    if (ObjectStorageProperties.isBlank(region)) {
      return null;
    }
    String trimmed = region.trim();
    if (trimmed.length() > MAX_REGION_LENGTH || !REGION.matcher(trimmed).matches()) {
      return "must be a region name such as us-east-1 or eu-central-1";
    }
    return null;
  }

  /** Empty, or the prefix ending with exactly one {@code /}. */
  static String normalisedPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return "";
    }
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /** Message templates interpolate braces and dollars; ours are plain text. */
  private static String escape(String message) {
    return message
        .replace("\\", "\\\\")
        .replace("{", "\\{")
        .replace("}", "\\}")
        .replace("$", "\\$");
  }
}
