package dev.storekeeper.cli;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * Where a command writes: the result on stdout (bytes for JSON, text otherwise), messages and the
 * progress bar on stderr. {@code progress}: stderr is a terminal, so a progress bar may be drawn.
 */
record Streams(PrintStream out, PrintWriter outWriter, PrintWriter err, boolean progress) {

  static Streams of(PrintStream out, PrintStream err, boolean progress) {
    return new Streams(out, new PrintWriter(out, false), new PrintWriter(err, true), progress);
  }

  void flush() {
    outWriter.flush();
    out.flush();
    err.flush();
  }
}
