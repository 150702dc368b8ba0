package dev.storekeeper.processing;

import dev.storekeeper.processing.JobProcessor.ProgressListener;

/**
 * Maps a position within {@code total} bytes onto a slice of 0-100 and reports each whole percent
 * at most once, so a 500 MB file yields about a hundred updates rather than one per buffer.
 */
final class ProgressRange {

  private final ProgressListener listener;
  private final String step;
  private final int from;
  private final int to;
  private final long total;
  private int reported = -1;

  ProgressRange(ProgressListener listener, String step, int from, int to, long total) {
    this.listener = listener;
    this.step = step;
    this.from = from;
    this.to = to;
    this.total = total;
  }

  void start() {
    report(from);
  }

  void advanceTo(long position) {
    if (total > 0) {
      long clamped = Math.max(0, Math.min(position, total));
      report(from + (int) ((to - from) * clamped / total));
    }
  }

  private void report(int percent) {
    if (percent > reported) {
      reported = percent;
      listener.update(percent, step);
    }
  }
}
