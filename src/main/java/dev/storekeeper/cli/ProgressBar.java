package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupProgress;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr for runs long enough to need one: items done of those known so
 * far, bytes freed and the rate. It appears after the first second, redraws at most ten times a
 * second, and is erased when the run ends, so the report that follows starts on a clean line.
 */
final class ProgressBar implements CleanupProgress {

  private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean dryRun;
  private final LongSupplier nanoTime;
  private final long start;
  private long lastDraw;
  private boolean shown;

  ProgressBar(PrintWriter err, boolean dryRun, LongSupplier nanoTime) {
    this.err = err;
    this.dryRun = dryRun;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  @Override
  public void update(long itemsDone, long itemsExpected, long bytesFreed) {
    long now = nanoTime.getAsLong();
    if (now - start < SHOW_AFTER_NANOS || (shown && now - lastDraw < REDRAW_NANOS)) {
      return;
    }
    lastDraw = now;
    shown = true;
    err.print("\r" + line(itemsDone, itemsExpected, bytesFreed, now - start) + "\033[K");
    err.flush();
  }

  String line(long done, long expected, long bytes, long elapsedNanos) {
    long total = Math.max(expected, done);
    int filled = total == 0 ? 0 : (int) (WIDTH * done / total);
    double seconds = Math.max(elapsedNanos / 1e9, 0.001);
    return "["
        + "#".repeat(filled)
        + "-".repeat(WIDTH - filled)
        + "] "
        + done
        + "/"
        + total
        + " items  "
        + HumanOutput.size(bytes)
        + (dryRun ? " to free  " : " freed  ")
        + Math.round(done / seconds)
        + " items/s";
  }

  /** Erases the bar, if it was shown. */
  void clear() {
    if (shown) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
