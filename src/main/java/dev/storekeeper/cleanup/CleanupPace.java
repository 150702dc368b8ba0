package dev.storekeeper.cleanup;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Bounds the cleanup's share of the machine while the service answers requests, inside the JVM: the
 * operating system's scheduler cannot tell a cleanup thread from a request thread of the same
 * process, and on two cores four file threads plus the database's work left uploads waiting.
 *
 * <p>While {@link RequestActivity#busy()}, the file work runs one task at a time and rests after
 * each task so that it works at most {@code CLEANUP_BUSY_SHARE_PERCENT} of the wall time; the rest
 * is taken while holding the turn, so the other file threads wait too. When the traffic stops the
 * file threads run in parallel again at once. The batches wait for their files, so the run's
 * database work slows down with them.
 */
final class CleanupPace {

  /** One rest never exceeds this: a slow task must not stall the run for long. */
  static final long MAX_REST_NANOS = 250_000_000L;

  private final RequestActivity activity;
  private final int sharePercent;
  private final LongSupplier nanoTime;
  private final LongConsumer rest;
  private final ReentrantLock turn = new ReentrantLock(true);

  CleanupPace(RequestActivity activity, int sharePercent) {
    this(activity, sharePercent, System::nanoTime, LockSupport::parkNanos);
  }

  CleanupPace(
      RequestActivity activity, int sharePercent, LongSupplier nanoTime, LongConsumer rest) {
    if (sharePercent < 1 || sharePercent > 100) {
      throw new IllegalArgumentException("share must be 1..100: " + sharePercent);
    }
    this.activity = activity;
    this.sharePercent = sharePercent;
    this.nanoTime = nanoTime;
    this.rest = rest;
  }

  <T> T run(Callable<T> task) throws Exception {
    if (sharePercent == 100 || !activity.busy()) {
      return task.call();
    }
    turn.lock();
    try {
      long start = nanoTime.getAsLong();
      try {
        return task.call();
      } finally {
        long worked = nanoTime.getAsLong() - start;
        long pause = Math.min(MAX_REST_NANOS, worked * (100 - sharePercent) / sharePercent);
        if (pause > 0 && activity.busy()) {
          rest.accept(pause);
        }
      }
    } finally {
      turn.unlock();
    }
  }
}
