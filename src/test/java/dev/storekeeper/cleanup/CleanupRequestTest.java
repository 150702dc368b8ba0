package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.storekeeper.jobs.JobStatus;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CleanupRequestTest {

  private static CleanupRequest selecting(
      boolean oldCompleted, boolean oldFailed, boolean orphans) {
    return new CleanupRequest(
        Trigger.API, false, oldCompleted, oldFailed, orphans, null, null, null, false);
  }

  private static List<JobStatus> statuses(String text) {
    return text.isBlank()
        ? List.of()
        : Arrays.stream(text.trim().split("\\s+")).map(JobStatus::of).toList();
  }

  @ParameterizedTest(name = "old_completed={0} old_failed={1} orphans={2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // old_completed | old_failed | orphans | expires jobs that are   | sweeps orphans
        "false | false | false | completed failed cancelled | true",
        "true  | false | false | completed                  | false",
        "false | true  | false | failed cancelled           | false",
        "false | false | true  | ''                         | true",
        "true  | true  | false | completed failed cancelled | false",
        "true  | false | true  | completed                  | true",
        "false | true  | true  | failed cancelled           | true",
        "true  | true  | true  | completed failed cancelled | true",
      })
  void cleansWhatTheSelectorsSayAndEverythingWhenNoneIsSelected(
      boolean oldCompleted,
      boolean oldFailed,
      boolean orphans,
      String expiredStatuses,
      boolean cleansOrphans) {
    CleanupRequest request = selecting(oldCompleted, oldFailed, orphans);

    assertThat(request.expiredStatuses()).containsExactlyElementsOf(statuses(expiredStatuses));
    assertThat(request.cleansCompleted()).isEqualTo(request.expiredStatuses().contains(COMPLETED));
    assertThat(request.cleansFailed()).isEqualTo(request.expiredStatuses().contains(FAILED));
    assertThat(request.cleansOrphans()).isEqualTo(cleansOrphans);
  }

  @Test
  void oldFailedAlsoCoversCancelledJobs() {
    assertThat(selecting(false, true, false).expiredStatuses()).containsExactly(FAILED, CANCELLED);
  }

  @Test
  void aFullRunCleansEverything() {
    CleanupRequest full = CleanupRequest.full(Trigger.API, true);

    assertThat(full.dryRun()).isTrue();
    assertThat(full.expiredStatuses()).containsExactly(COMPLETED, FAILED, CANCELLED);
    assertThat(full.cleansOrphans()).isTrue();
    assertThat(full.includeUnrecognized()).isFalse();
    assertThat(full.completedDays()).isNull();
    assertThat(full.failedDays()).isNull();
    assertThat(full.cancelledDays()).isNull();
  }

  @Test
  void recordsTheEffectiveSelectorsAndRetentionOfTheRun() {
    CleanupRequest request =
        new CleanupRequest(Trigger.API, true, false, true, false, null, 14, null, true);

    assertThat(request.parameters(new RetentionPolicy(30, 14, 3, 24)))
        .containsExactly(
            entry("dry_run", true),
            entry("old_completed", false),
            entry("old_failed", true),
            entry("orphans", false),
            entry("completed_days", 30),
            entry("failed_days", 14),
            entry("cancelled_days", 3),
            entry("keep_last", 0),
            entry("orphan_grace_hours", 24),
            entry("include_unrecognized", true),
            entry("retry_stuck", false));
  }

  @Test
  void recordsNoSelectorAsEverySelector() {
    assertThat(selecting(false, false, false).parameters(new RetentionPolicy(30, 7, 7, 24)))
        .containsEntry("old_completed", true)
        .containsEntry("old_failed", true)
        .containsEntry("orphans", true);
  }
}
