package dev.storekeeper.processing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Recognizes formats by their leading magic bytes, never by the (client-chosen) file name. */
final class MediaTypes {

  static final String GZIP = "application/gzip";
  static final String PNG = "image/png";
  static final String JPEG = "image/jpeg";
  static final String GIF = "image/gif";
  static final String PDF = "application/pdf";
  static final String ZIP = "application/zip";
  static final String TEXT = "text/plain";
  static final String BINARY = "application/octet-stream";

  /** Longest magic below. */
  static final int HEAD_LENGTH = 8;

  private MediaTypes() {}

  static byte[] readHead(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(HEAD_LENGTH);
    }
  }

  /** The media type announced by the first bytes, or null when they announce none of ours. */
  static String fromMagic(byte[] head) {
    if (startsWith(head, 0x1F, 0x8B)) {
      return GZIP;
    }
    if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(head, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(head, 'G', 'I', 'F', '8', '9', 'a')) {
      return GIF;
    }
    if (startsWith(head, '%', 'P', 'D', 'F', '-')) {
      return PDF;
    }
    // Local file header, empty archive, spanned archive.
    if (startsWith(head, 'P', 'K', 3, 4)
        || startsWith(head, 'P', 'K', 5, 6)
        || startsWith(head, 'P', 'K', 7, 8)) {
      return ZIP;
    }
    return null;
  }

  static boolean isImage(String mediaType) {
    return PNG.equals(mediaType) || JPEG.equals(mediaType) || GIF.equals(mediaType);
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    byte[] expected = new byte[magic.length];
    for (int i = 0; i < magic.length; i++) {
      expected[i] = (byte) magic[i];
    }
    return Arrays.equals(head, 0, magic.length, expected, 0, magic.length);
  }
}
