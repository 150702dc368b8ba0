package dev.storekeeper.jobs;

import java.nio.charset.StandardCharsets;

/**
 * {@code Content-Disposition} for a download (RFC 6266): an ASCII {@code filename} for old clients
 * and the exact name as {@code filename*} in RFC 5987 encoding. A file name is whatever a processor
 * or a client chose: quotes, backslashes, control characters and non-ASCII must neither break the
 * header nor reach it raw.
 */
final class Downloads {

  private Downloads() {}

  static String attachment(String name) {
    return "attachment; filename=\"" + asciiFallback(name) + "\"; filename*=UTF-8''" + encode(name);
  }

  private static String asciiFallback(String name) {
    StringBuilder ascii = new StringBuilder(name.length());
    name.codePoints()
        .forEach(
            cp ->
                ascii.append(
                    cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%'
                        ? (char) cp
                        : '_'));
    return ascii.toString();
  }

  /**
   * RFC 5987 {@code value-chars}: attr-char as it is, every other byte of the UTF-8 form as %XX.
   */
  private static String encode(String name) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean attrChar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (attrChar) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        encoded.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return encoded.toString();
  }
}
