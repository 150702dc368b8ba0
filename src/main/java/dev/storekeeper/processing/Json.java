package dev.storekeeper.processing;

import java.util.Map;

/**
 * Renders the few shapes {@code results.json} needs (objects, strings, numbers, booleans, null)
 * without pulling a JSON library into the processing code.
 */
final class Json {

  private Json() {}

  /** Renders an object with two-space indentation and a trailing newline. */
  static String render(Map<String, ?> object) {
    StringBuilder out = new StringBuilder();
    appendValue(out, object, 0);
    return out.append('\n').toString();
  }

  private static void appendValue(StringBuilder out, Object value, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      appendString(out, text);
    } else if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      if (!Double.isFinite(number)) {
        throw new IllegalArgumentException("JSON has no representation for " + number);
      }
      out.append(number);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      appendObject(out, map, depth);
    } else {
      throw new IllegalArgumentException("cannot render " + value.getClass() + " as JSON");
    }
  }

  private static void appendObject(StringBuilder out, Map<?, ?> map, int depth) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append('{');
    String separator = "\n";
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      out.append(separator).append("  ".repeat(depth + 1));
      appendString(out, String.valueOf(entry.getKey()));
      out.append(": ");
      appendValue(out, entry.getValue(), depth + 1);
      separator = ",\n";
    }
    out.append('\n').append("  ".repeat(depth)).append('}');
  }

  private static void appendString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7F || isLoneSurrogate(text, i)) {
            // A lone surrogate would become '?' when encoded as UTF-8; escaped it survives.
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
