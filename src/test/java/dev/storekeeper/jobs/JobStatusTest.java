package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class JobStatusTest {

  /**
   * The whole state machine, written out independently of the production switch: row = from, column
   * = to, {@code x} = legal. Every one of the 49 pairs is checked against it.
   */
  private static final String TRANSITIONS =
      """
                  pending running completed failed cancelled deleting stuck
      pending        .       x       .        x       x         .       .
      running        x       .       x        x       x         .       .
      completed      .       .       .        .       .         x       .
      failed         .       .       .        .       .         x       .
      cancelled      .       .       .        .       .         x       .
      deleting       .       .       .        .       .         .       x
      stuck          .       .       .        .       .         x       .
      """;

  static Stream<Arguments> everyPair() {
    String[] lines = TRANSITIONS.strip().split("\n");
    JobStatus[] columns =
        Arrays.stream(lines[0].trim().split("\\s+")).map(JobStatus::of).toArray(JobStatus[]::new);
    return Arrays.stream(lines, 1, lines.length)
        .map(line -> line.trim().split("\\s+"))
        .flatMap(
            cells -> {
              JobStatus from = JobStatus.of(cells[0]);
              return Stream.iterate(0, i -> i < columns.length, i -> i + 1)
                  .map(i -> Arguments.of(from, columns[i], cells[i + 1].equals("x")));
            });
  }

  @Test
  void tableCoversEveryPairOfStates() {
    int states = JobStatus.values().length;

    assertThat(everyPair().map(arguments -> Arrays.asList(arguments.get()[0], arguments.get()[1])))
        .hasSize(states * states)
        .doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0} -> {1} legal: {2}")
  @MethodSource("everyPair")
  void allowsExactlyTheTransitionsOfTheTable(JobStatus from, JobStatus to, boolean legal) {
    assertThat(from.canBecome(to)).isEqualTo(legal);
    assertThat(from.successors().contains(to)).isEqualTo(legal);
  }

  @ParameterizedTest(name = "{0} -> {1} legal: {2}")
  @MethodSource("everyPair")
  void requireCanBecomeThrowsExactlyForIllegalTransitions(
      JobStatus from, JobStatus to, boolean legal) {
    if (legal) {
      assertThatCode(() -> from.requireCanBecome(to)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> from.requireCanBecome(to))
          .isInstanceOf(IllegalJobTransitionException.class)
          .hasMessage("A job cannot go from " + from.value() + " to " + to.value())
          .satisfies(e -> assertThat(((IllegalJobTransitionException) e).status()).isEqualTo(409));
    }
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void neverAllowsStayingInTheSameState(JobStatus status) {
    assertThat(status.canBecome(status)).isFalse();
  }

  @Test
  void callersCannotWidenTheMachineThroughSuccessors() {
    try {
      JobStatus.DELETING.successors().add(JobStatus.PENDING);
    } catch (UnsupportedOperationException readOnly) {
      // also fine
    }

    assertThat(JobStatus.DELETING.canBecome(JobStatus.PENDING)).isFalse();
  }

  @Nested
  class Finished {

    @ParameterizedTest
    @EnumSource(names = {"COMPLETED", "FAILED", "CANCELLED"})
    void completedFailedAndCancelledAreFinished(JobStatus status) {
      assertThat(status.isFinished()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(names = {"PENDING", "RUNNING", "DELETING", "STUCK"})
    void pendingRunningDeletingAndStuckAreNotFinished(JobStatus status) {
      assertThat(status.isFinished()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(JobStatus.class)
    void onlyFinishedJobsCanBeClaimedForDeletionBesidesAParkedDeletionBeingRetried(
        JobStatus status) {
      assertThat(status.canBecome(JobStatus.DELETING))
          .isEqualTo(status.isFinished() || status == JobStatus.STUCK);
    }

    @ParameterizedTest
    @EnumSource(JobStatus.class)
    void hidesJobsBeingDeletedOrParked(JobStatus status) {
      assertThat(status.isVisible())
          .isEqualTo(status != JobStatus.DELETING && status != JobStatus.STUCK);
    }
  }

  @Nested
  class Values {

    @ParameterizedTest
    @EnumSource(JobStatus.class)
    void roundTripsThroughItsValue(JobStatus status) {
      assertThat(JobStatus.of(status.value())).isSameAs(status);
    }

    @ParameterizedTest
    @EnumSource(JobStatus.class)
    void storesLowerCaseNames(JobStatus status) {
      assertThat(status.value()).isEqualTo(status.name().toLowerCase(Locale.ROOT));
    }

    @Test
    void usesTheStoredSpellingOfEveryState() {
      assertThat(Arrays.stream(JobStatus.values()).map(JobStatus::value))
          .containsExactly(
              "pending", "running", "completed", "failed", "cancelled", "deleting", "stuck");
    }

    @Test
    void valueDoesNotDependOnTheDefaultLocale() {
      Locale before = Locale.getDefault();
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      try {
        assertThat(JobStatus.PENDING.value()).isEqualTo("pending");
        assertThat(JobStatus.of("pending")).isSameAs(JobStatus.PENDING);
      } finally {
        Locale.setDefault(before);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PENDING", "Pending", " pending", "pending ", "done", "succeeded"})
    @NullAndEmptySource
    void rejectsAnUnknownValueNamingIt(String value) {
      assertThatThrownBy(() -> JobStatus.of(value))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Unknown job status: " + value);
    }
  }
}
