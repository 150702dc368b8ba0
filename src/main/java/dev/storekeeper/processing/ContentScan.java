package dev.storekeeper.processing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;

/**
 * Everything the profile learns from one sequential pass over the bytes: size, SHA-256, byte
 * histogram (entropy, line and NUL counts), deflated size, and whether the bytes are valid UTF-8.
 * Memory use is constant whatever the input size. Close it to free the native deflater.
 */
final class ContentScan implements AutoCloseable {

  private final MessageDigest sha256;
  // Raw deflate (no zlib header and checksum) so the ratio describes the data, not the wrapper.
  private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
  private final byte[] deflated = new byte[ProfileProcessor.BUFFER_SIZE];
  private final long[] histogram = new long[256];
  private long size;
  private long deflatedSize;
  private int lastByte = -1;
  private boolean finished;

  // UTF-8 validation state: continuation bytes still expected and the range the next one must be
  // in (narrower than 80..BF after E0, ED, F0 and F4, which rules out overlong forms, surrogates
  // and code points above U+10FFFF).
  private boolean utf8 = true;
  private int pendingContinuations;
  private int nextMin = 0x80;
  private int nextMax = 0xBF;

  ContentScan() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  void update(byte[] buffer, int length) {
    if (length <= 0) {
      return;
    }
    size += length;
    sha256.update(buffer, 0, length);
    deflater.setInput(buffer, 0, length);
    while (!deflater.needsInput()) {
      deflatedSize += deflater.deflate(deflated);
    }
    for (int i = 0; i < length; i++) {
      histogram[buffer[i] & 0xFF]++;
    }
    if (utf8) {
      validateUtf8(buffer, length);
    }
    lastByte = buffer[length - 1] & 0xFF;
  }

  private void validateUtf8(byte[] buffer, int length) {
    for (int i = 0; i < length; i++) {
      int b = buffer[i] & 0xFF;
      if (pendingContinuations > 0) {
        if (b < nextMin || b > nextMax) {
          utf8 = false;
          return;
        }
        pendingContinuations--;
        nextMin = 0x80;
        nextMax = 0xBF;
      } else if (b >= 0x80) {
        if (b >= 0xC2 && b <= 0xDF) {
          pendingContinuations = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
          pendingContinuations = 2;
          nextMin = b == 0xE0 ? 0xA0 : 0x80;
          nextMax = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
          pendingContinuations = 3;
          nextMin = b == 0xF0 ? 0x90 : 0x80;
          nextMax = b == 0xF4 ? 0x8F : 0xBF;
        } else {
          utf8 = false;
          return;
        }
      }
    }
  }

  /** Flushes the deflater; call once after the last {@link #update}. */
  void finish() {
    deflater.finish();
    while (!deflater.finished()) {
      deflatedSize += deflater.deflate(deflated);
    }
    finished = true;
  }

  long size() {
    return size;
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** Shannon entropy of the byte distribution in bits per byte, from 0 (one value) to 8. */
  double entropy() {
    if (size == 0) {
      return 0.0;
    }
    double entropy = 0.0;
    for (long count : histogram) {
      if (count > 0) {
        double p = (double) count / size;
        entropy -= p * (Math.log(p) / Math.log(2));
      }
    }
    // Rounding can leave -0.0 or a hair above 8 for the extreme distributions.
    return Math.min(8.0, Math.max(0.0, entropy));
  }

  /** Original size divided by deflated size; 1.0 for an empty input. */
  double compressionRatio() {
    if (!finished) {
      throw new IllegalStateException("finish() the scan first");
    }
    return size == 0 ? 1.0 : (double) size / deflatedSize;
  }

  /** Valid, complete UTF-8 without NUL bytes; the empty input counts as text. */
  boolean isText() {
    return utf8 && pendingContinuations == 0 && histogram[0] == 0;
  }

  /** Lines as an editor counts them: a final line without a line feed still counts. */
  long lineCount() {
    long lineFeeds = histogram['\n'];
    return lastByte == -1 || lastByte == '\n' ? lineFeeds : lineFeeds + 1;
  }

  @Override
  public void close() {
    deflater.end();
  }
}
