package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  final AtomicLong nanos = new AtomicLong();
  final StringWriter err = new StringWriter();
  final ProgressBar bar = new ProgressBar(new PrintWriter(err), false, nanos::get);

  @Test
  void staysHiddenDuringTheFirstSecond() {
    nanos.set(999_000_000L);

    bar.update(10, 100, 1024);
    bar.clear();

    assertThat(err.toString()).isEmpty();
  }

  @Test
  void showsItemsDoneOfExpectedBytesFreedAndRate() {
    nanos.set(2_000_000_000L);

    bar.update(50, 100, 3 * 1024 * 1024);

    assertThat(err.toString())
        .isEqualTo(
            "\r[###############---------------] 50/100 items  3.0 MB freed  25 items/s\033[K");
  }

  @Test
  void redrawsAtMostTenTimesASecondAndErasesItselfAtTheEnd() {
    nanos.set(2_000_000_000L);
    bar.update(1, 10, 0);
    nanos.addAndGet(50_000_000L);
    bar.update(2, 10, 0);
    nanos.addAndGet(60_000_000L);
    bar.update(3, 10, 0);

    bar.clear();

    assertThat(err.toString().split("\r\\[", -1)).hasSize(3);
    assertThat(err.toString()).endsWith("\r\033[K");
  }

  @Test
  void neverShowsMoreDoneThanTotalWhenTheTotalGrows() {
    nanos.set(2_000_000_000L);

    bar.update(120, 100, 0);

    assertThat(err.toString()).contains("[" + "#".repeat(30) + "] 120/120 items");
  }
}
