package dev.storekeeper.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionPolicyTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final RetentionPolicy POLICY = new RetentionPolicy(30, 7, 3, 24);

  @Nested
  class Cutoffs {

    @Test
    void givesEachFinishedStatusItsOwnCutoff() {
      assertThat(POLICY.cutoff(JobStatus.COMPLETED, NOW))
          .isEqualTo(Instant.parse("2026-05-02T12:00:00Z"));
      assertThat(POLICY.cutoff(JobStatus.FAILED, NOW))
          .isEqualTo(Instant.parse("2026-05-25T12:00:00Z"));
      assertThat(POLICY.cutoff(JobStatus.CANCELLED, NOW))
          .isEqualTo(Instant.parse("2026-05-29T12:00:00Z"));
    }

    @Test
    void readsTheDaysOfEachFinishedStatus() {
      assertThat(POLICY.daysFor(JobStatus.COMPLETED)).isEqualTo(30);
      assertThat(POLICY.daysFor(JobStatus.FAILED)).isEqualTo(7);
      assertThat(POLICY.daysFor(JobStatus.CANCELLED)).isEqualTo(3);
    }

    @Test
    void countsDaysAsWhole24HourPeriodsWhateverTheCalendar() {
      Instant beforeDstChangeInEurope = Instant.parse("2026-03-30T12:00:00Z");

      assertThat(POLICY.cutoff(JobStatus.FAILED, beforeDstChangeInEurope))
          .isEqualTo(beforeDstChangeInEurope.minus(Duration.ofHours(7 * 24)));
    }

    @ParameterizedTest
    @EnumSource(names = {"COMPLETED", "FAILED", "CANCELLED"})
    void zeroDaysPutsTheCutoffAtNow(JobStatus status) {
      RetentionPolicy keepNothing = new RetentionPolicy(0, 0, 0, 0);

      assertThat(keepNothing.daysFor(status)).isZero();
      assertThat(keepNothing.cutoff(status, NOW)).isEqualTo(NOW);
    }

    @Test
    void placesTheOrphanCutoffTheGraceWindowBeforeNow() {
      assertThat(POLICY.orphanCutoff(NOW)).isEqualTo(Instant.parse("2026-05-31T12:00:00Z"));
      assertThat(new RetentionPolicy(30, 7, 7, 0).orphanCutoff(NOW)).isEqualTo(NOW);
    }

    @Test
    void reachesBackTheLargestRetentionAllowed() {
      RetentionPolicy century = new RetentionPolicy(36500, 36500, 36500, Integer.MAX_VALUE);

      assertThat(century.cutoff(JobStatus.COMPLETED, NOW))
          .isEqualTo(NOW.minus(Duration.ofDays(36500)));
      assertThat(century.orphanCutoff(NOW)).isBefore(NOW);
    }

    @ParameterizedTest
    @EnumSource(names = {"PENDING", "RUNNING", "DELETING"})
    void neverGivesUnfinishedJobsACutoff(JobStatus status) {
      assertThatThrownBy(() -> POLICY.cutoff(status, NOW))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("never expired by retention");
    }
  }

  @Nested
  class Validation {

    static Stream<Arguments> everyDaysParameter() {
      IntFunction<RetentionPolicy> completed = days -> new RetentionPolicy(days, 7, 7, 24);
      IntFunction<RetentionPolicy> failed = days -> new RetentionPolicy(30, days, 7, 24);
      IntFunction<RetentionPolicy> cancelled = days -> new RetentionPolicy(30, 7, days, 24);
      return Stream.of(
          Arguments.of("completed_days", completed),
          Arguments.of("failed_days", failed),
          Arguments.of("cancelled_days", cancelled));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyDaysParameter")
    void rejectsNegativeDaysNamingTheParameter(String name, IntFunction<RetentionPolicy> policy) {
      for (int days : new int[] {-1, -30, Integer.MIN_VALUE}) {
        assertThatThrownBy(() -> policy.apply(days))
            .isInstanceOfSatisfying(
                InvalidInputException.class,
                e -> {
                  assertThat(e.parameter()).isEqualTo(name);
                  assertThat(e.status()).isEqualTo(400);
                })
            .hasMessageStartingWith(name + " must be a whole number between 0 and 36500")
            .hasMessageEndingWith("got " + days);
      }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyDaysParameter")
    void rejectsMoreThanACenturyNamingTheParameter(
        String name, IntFunction<RetentionPolicy> policy) {
      for (int days : new int[] {36501, Integer.MAX_VALUE}) {
        assertThatThrownBy(() -> policy.apply(days))
            .isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.parameter()).isEqualTo(name))
            .hasMessageContaining(name)
            .hasMessageEndingWith("got " + days);
      }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyDaysParameter")
    void acceptsTheBoundsOfTheRange(String name, IntFunction<RetentionPolicy> policy) {
      assertThat(policy.apply(0)).isNotNull();
      assertThat(policy.apply(36500)).isNotNull();
    }

    @Test
    void rejectsANegativeOrphanGraceNamingTheParameter() {
      assertThatThrownBy(() -> new RetentionPolicy(30, 7, 7, -1))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e -> assertThat(e.parameter()).isEqualTo("orphan_grace_hours"))
          .hasMessageContaining("orphan_grace_hours");
    }
  }

  @Nested
  class Overrides {

    @Test
    void keepsTheConfiguredDaysWhenNothingIsOverridden() {
      assertThat(POLICY.with(null, null, null)).isEqualTo(POLICY);
    }

    @Test
    void replacesOnlyTheDaysThatAreGiven() {
      assertThat(POLICY.with(60, null, null)).isEqualTo(new RetentionPolicy(60, 7, 3, 24));
      assertThat(POLICY.with(null, 14, null)).isEqualTo(new RetentionPolicy(30, 14, 3, 24));
      assertThat(POLICY.with(null, null, 1)).isEqualTo(new RetentionPolicy(30, 7, 1, 24));
      assertThat(POLICY.with(1, 2, 4)).isEqualTo(new RetentionPolicy(1, 2, 4, 24));
    }

    @Test
    void honoursAnOverrideOfZeroDays() {
      RetentionPolicy overridden = POLICY.with(0, 0, 0);

      assertThat(overridden).isEqualTo(new RetentionPolicy(0, 0, 0, 24));
      assertThat(overridden.cutoff(JobStatus.COMPLETED, NOW)).isEqualTo(NOW);
    }

    @Test
    void leavesTheConfiguredPolicyUnchanged() {
      POLICY.with(1, 1, 1);

      assertThat(POLICY).isEqualTo(new RetentionPolicy(30, 7, 3, 24));
    }

    @Test
    void rejectsAnInvalidOverrideNamingItsParameter() {
      assertThatThrownBy(() -> POLICY.with(null, -1, null))
          .isInstanceOfSatisfying(
              InvalidInputException.class, e -> assertThat(e.parameter()).isEqualTo("failed_days"));
      assertThatThrownBy(() -> POLICY.with(null, null, 36501))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e -> assertThat(e.parameter()).isEqualTo("cancelled_days"));
      assertThatThrownBy(() -> POLICY.with(-5, null, null))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e -> assertThat(e.parameter()).isEqualTo("completed_days"));
    }
  }
}
