package dev.storekeeper.processing;

import dev.storekeeper.jobs.MetricValue;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The built-in processor: profiles any upload in constant memory.
 *
 * <p>One sequential pass feeds every buffer to a {@link ContentScan}; a gzip upload gets a second
 * pass through {@link GZIPInputStream} to count its uncompressed bytes, and an image has only its
 * header read. A damaged gzip or image is described in {@code results.json} instead of failing the
 * job, because the profile of a damaged file is still a useful answer.
 *
 * <p>{@code metrics.csv} and then {@code results.json} are written with {@link AtomicFiles}, so
 * {@code results.json} under its final name always holds a complete profile.
 */
public final class ProfileProcessor implements JobProcessor {

  static final int BUFFER_SIZE = 64 * 1024;
  static final String RESULT_FILE = "results.json";

  public ProfileProcessor() {}

  @Override
  public String name() {
    return "profile";
  }

  @Override
  public Result process(Request request, ProgressListener progress)
      throws ProcessingException, InterruptedException {
    try {
      return profile(request, progress);
    } catch (ClosedByInterruptException e) {
      // An interrupt during channel I/O closes the channel and sets the flag again; callers expect
      // the usual InterruptedException with the flag cleared.
      Thread.interrupted();
      InterruptedException interrupted = new InterruptedException("profiling was interrupted");
      interrupted.initCause(e);
      throw interrupted;
    } catch (IOException e) {
      throw new ProcessingException("could not profile the upload: " + e, e);
    }
  }

  private static Result profile(Request request, ProgressListener listener)
      throws IOException, InterruptedException {
    Path input = request.input();
    long expectedSize = Files.size(input);
    String magicType = MediaTypes.fromMagic(MediaTypes.readHead(input));
    boolean gzip = MediaTypes.GZIP.equals(magicType);

    Map<String, Object> results = new LinkedHashMap<>();
    Map<String, Object> content = new LinkedHashMap<>();
    List<MetricValue> metrics = new ArrayList<>();
    String mediaType;
    try (ContentScan scan = new ContentScan();
        CountingInputStream in = new CountingInputStream(Files.newInputStream(input))) {
      ProgressRange progress =
          new ProgressRange(listener, "scanning", 0, gzip ? 45 : 90, expectedSize);
      pump(in, in, progress, scan::update);
      scan.finish();
      mediaType =
          magicType != null ? magicType : scan.isText() ? MediaTypes.TEXT : MediaTypes.BINARY;

      results.put("original_filename", request.originalFilename());
      results.put("size_bytes", scan.size());
      results.put("sha256", scan.sha256Hex());
      results.put("media_type", mediaType);
      results.put("byte_entropy", scan.entropy());
      results.put("compression_ratio", scan.compressionRatio());
      metrics.add(new MetricValue("size_bytes", scan.size(), "bytes"));
      metrics.add(new MetricValue("byte_entropy", scan.entropy(), "bits/byte"));
      metrics.add(new MetricValue("compression_ratio", scan.compressionRatio(), "ratio"));
      if (MediaTypes.TEXT.equals(mediaType)) {
        content.put("line_count", scan.lineCount());
        metrics.add(new MetricValue("line_count", scan.lineCount(), "lines"));
      }
    }
    if (gzip) {
      gunzip(
          input,
          content,
          metrics,
          new ProgressRange(listener, "decompressing", 45, 90, expectedSize));
    } else if (MediaTypes.isImage(mediaType)) {
      listener.update(90, "reading image header");
      readDimensions(input, content, metrics);
    }
    results.put("content", content);

    listener.update(95, "writing results");
    Path outputDir = request.outputDir();
    AtomicFiles.write(outputDir.resolve(MetricsCsv.FILE_NAME), MetricsCsv.format(metrics));
    AtomicFiles.write(
        outputDir.resolve(RESULT_FILE), Json.render(results).getBytes(StandardCharsets.UTF_8));
    listener.update(100, "done");
    return new Result(List.copyOf(metrics), RESULT_FILE);
  }

  private static void gunzip(
      Path input, Map<String, Object> content, List<MetricValue> metrics, ProgressRange progress)
      throws IOException, InterruptedException {
    long uncompressed;
    try (CountingInputStream raw = new CountingInputStream(Files.newInputStream(input))) {
      try (GZIPInputStream gzip = new GZIPInputStream(raw, BUFFER_SIZE)) {
        uncompressed = pump(gzip, raw, progress, (buffer, length) -> {});
      } catch (ZipException | EOFException e) {
        // Bad header, bad deflate data, bad CRC, or truncated: all properties of the upload.
        content.put("gzip_error", String.valueOf(e.getMessage()));
        return;
      }
    }
    content.put("uncompressed_bytes", uncompressed);
    metrics.add(new MetricValue("uncompressed_bytes", uncompressed, "bytes"));
  }

  private static void readDimensions(
      Path input, Map<String, Object> content, List<MetricValue> metrics) throws IOException {
    try (ImageInputStream stream = ImageIO.createImageInputStream(input.toFile())) {
      Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
      if (readers == null || !readers.hasNext()) {
        content.put("image_error", "no image reader recognizes this file");
        return;
      }
      ImageReader reader = readers.next();
      try {
        // getWidth/getHeight parse headers only; the pixels are never decoded.
        reader.setInput(stream, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        content.put("width", width);
        content.put("height", height);
        metrics.add(new MetricValue("width", width, "pixels"));
        metrics.add(new MetricValue("height", height, "pixels"));
      } catch (IOException | RuntimeException e) {
        // Image plugins report malformed headers with IIOException but also with assorted
        // runtime exceptions; either way the upload is damaged, not the service.
        content.put("image_error", String.valueOf(e.getMessage()));
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * Reads {@code in} to the end through one fixed buffer, stopping promptly on interrupt.
   *
   * @param raw the file stream under {@code in}, whose position measures progress
   * @return the number of bytes read from {@code in}
   */
  private static long pump(
      InputStream in, CountingInputStream raw, ProgressRange progress, ChunkConsumer consumer)
      throws IOException, InterruptedException {
    byte[] buffer = new byte[BUFFER_SIZE];
    long total = 0;
    progress.start();
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException("profiling was interrupted");
      }
      int length = in.read(buffer);
      if (length < 0) {
        return total;
      }
      consumer.accept(buffer, length);
      total += length;
      progress.advanceTo(raw.count());
    }
  }

  @FunctionalInterface
  private interface ChunkConsumer {
    void accept(byte[] buffer, int length);
  }
}
