package dev.storekeeper.processing;

import dev.storekeeper.jobs.MetricValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code metrics.csv}: an optional header {@code name,value,unit}, then {@code name,value[,unit]}
 * per line. There is no quoting; names and units cannot contain commas.
 */
final class MetricsCsv {

  static final String FILE_NAME = "metrics.csv";
  static final String HEADER = "name,value,unit";

  /** Limits of the {@code metrics} table columns. */
  static final int MAX_NAME_LENGTH = 255;

  static final int MAX_UNIT_LENGTH = 64;

  /** Keeps a runaway command from turning into millions of metric rows. */
  static final int MAX_METRICS = 10_000;

  /** Keeps a runaway command from filling the heap while its file is read. */
  static final long MAX_FILE_BYTES = 8L * 1024 * 1024;

  // Decimal only: Double.parseDouble would also take "NaN", "Infinity", "0x1p3" and "1d".
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private MetricsCsv() {}

  /** What a command wrote: the metrics that could be read, and why the other lines were not. */
  record Parsed(List<MetricValue> metrics, List<String> notes) {}

  static byte[] format(List<MetricValue> metrics) {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (MetricValue metric : metrics) {
      csv.append(metric.name())
          .append(',')
          .append(formatValue(metric.value()))
          .append(',')
          .append(metric.unit() == null ? "" : metric.unit())
          .append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String formatValue(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  /**
   * Reads a file written by someone else: bad lines become notes, never exceptions. The caller
   * opened it, which is where links and special files are refused.
   */
  static Parsed parse(SeekableByteChannel file) throws IOException {
    List<MetricValue> metrics = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long size = file.size();
    if (size > MAX_FILE_BYTES) {
      notes.add(
          FILE_NAME + " is " + size + " bytes, over the limit of " + MAX_FILE_BYTES + "; ignored");
      return new Parsed(metrics, notes);
    }
    // InputStreamReader replaces invalid UTF-8 instead of throwing, so one bad byte costs a line.
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(file), StandardCharsets.UTF_8))) {
      String line;
      int lineNumber = 0;
      boolean seenContent = false;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        line = line.strip();
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1).strip();
        }
        if (line.isEmpty()) {
          continue;
        }
        if (!seenContent && isHeader(line)) {
          seenContent = true;
          continue;
        }
        seenContent = true;
        if (metrics.size() == MAX_METRICS) {
          notes.add(FILE_NAME + " has more than " + MAX_METRICS + " metrics; the rest is ignored");
          break;
        }
        String problem = parseLine(line, metrics);
        if (problem != null) {
          notes.add(FILE_NAME + " line " + lineNumber + " skipped: " + problem);
        }
      }
    }
    return new Parsed(metrics, notes);
  }

  private static boolean isHeader(String line) {
    String normalized = line.replace(" ", "").toLowerCase(Locale.ROOT);
    return normalized.equals(HEADER) || normalized.equals("name,value");
  }

  /** Adds the metric on this line, or returns why there is none. */
  private static String parseLine(String line, List<MetricValue> metrics) {
    String[] fields = line.split(",", -1);
    if (fields.length < 2 || fields.length > 3) {
      return "expected name,value[,unit] but found " + fields.length + " field(s)";
    }
    String name = fields[0].strip();
    String value = fields[1].strip();
    String unit = fields.length == 3 ? fields[2].strip() : "";
    if (name.isEmpty()) {
      return "the name is empty";
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return "the name is longer than " + MAX_NAME_LENGTH + " characters";
    }
    if (unit.length() > MAX_UNIT_LENGTH) {
      return "the unit is longer than " + MAX_UNIT_LENGTH + " characters";
    }
    if (!NUMBER.matcher(value).matches()) {
      return "value \"" + abbreviate(value) + "\" is not a number";
    }
    double parsed = Double.parseDouble(value);
    if (Double.isInfinite(parsed)) {
      return "value " + abbreviate(value) + " is out of range";
    }
    metrics.add(new MetricValue(name, parsed, unit.isEmpty() ? null : unit));
    return null;
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
