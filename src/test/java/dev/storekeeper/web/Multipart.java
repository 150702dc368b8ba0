package dev.storekeeper.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A multipart/form-data body built part by part, for uploads of any shape. */
final class Multipart {

  static final String BOUNDARY = "----storekeeper-web-boundary";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  /** A file part; {@code filename} null makes it a plain form field. */
  Multipart part(String name, String filename, byte[] content) {
    String disposition =
        "form-data; name=\""
            + name
            + "\""
            + (filename == null ? "" : "; filename=\"" + filename + "\"");
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: "
                + disposition
                + "\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  Multipart file(byte[] content) {
    return part("file", "scan.csv", content);
  }

  byte[] bytes() {
    ByteArrayOutputStream done = new ByteArrayOutputStream();
    done.writeBytes(body.toByteArray());
    done.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return done.toByteArray();
  }

  static byte[] csv(int bytes) {
    byte[] content = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      content[i] = (byte) (i % 10 == 9 ? '\n' : 'a' + i % 26);
    }
    return content;
  }
}
