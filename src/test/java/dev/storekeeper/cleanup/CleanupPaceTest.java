package dev.storekeeper.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CleanupPaceTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final RequestActivity activity = new RequestActivity(now::get);
  private final List<Long> rests = new ArrayList<>();

  private CleanupPace pace(int share) {
    return new CleanupPace(activity, share, now::get, rests::add);
  }

  /** A task that takes {@code nanos} of the fake clock. */
  private Integer work(long nanos) {
    now.addAndGet(nanos);
    return 7;
  }

  @Test
  void withoutTrafficTheWorkNeverRests() throws Exception {
    assertThat(activity.busy()).isFalse();

    assertThat(pace(50).run(() -> work(10_000_000))).isEqualTo(7);

    assertThat(rests).isEmpty();
  }

  @Test
  void whileARequestIsAnsweredTheWorkRestsForItsShare() throws Exception {
    activity.started();

    pace(50).run(() -> work(10_000_000));
    pace(25).run(() -> work(10_000_000));
    pace(100).run(() -> work(10_000_000));

    // 50 %: as long as it worked; 25 %: three times as long; 100 %: never
    assertThat(rests).containsExactly(10_000_000L, 30_000_000L);
  }

  @Test
  void oneRestIsBoundedSoASlowTaskCannotStallTheRun() throws Exception {
    activity.started();

    pace(1).run(() -> work(1_000_000_000));

    assertThat(rests).containsExactly(CleanupPace.MAX_REST_NANOS);
  }

  @Test
  void trafficCountsUntilItHasBeenQuietForAWhile() throws Exception {
    activity.started();
    activity.ended();
    now.addAndGet(RequestActivity.QUIET_NANOS - 1);
    assertThat(activity.busy()).as("just ended").isTrue();

    now.addAndGet(1);
    assertThat(activity.busy()).as("quiet long enough").isFalse();
    pace(50).run(() -> work(10_000_000));
    assertThat(rests).isEmpty();
  }

  @Test
  void aFailingTaskStillRestsAndPassesItsFailureOn() {
    activity.started();

    assertThatThrownBy(
            () ->
                pace(50)
                    .run(
                        () -> {
                          work(4_000_000);
                          throw new IllegalStateException("disk gone");
                        }))
        .hasMessage("disk gone");
    assertThat(rests).containsExactly(4_000_000L);
  }

  @Test
  void whileBusyTheFileThreadsTakeTurnsOneAtATime() throws Exception {
    activity.started();
    CleanupPace pace = new CleanupPace(activity, 50, System::nanoTime, nanos -> {});
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        done.add(
            threads.submit(
                () -> {
                  start.await();
                  return pace.run(
                      () -> {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                        return 1;
                      });
                }));
      }
      start.countDown();
      for (Future<Integer> each : done) {
        assertThat(each.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(most.get()).isEqualTo(1);
  }

  @Test
  void aShareOutsideOneToAHundredIsRefused() {
    assertThatThrownBy(() -> pace(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pace(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
