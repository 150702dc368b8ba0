package dev.storekeeper.cli;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.cli.CliProcess.Result;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plans and the confirmation prompt as an operator meets them: the built jar in its own process, on
 * a pseudo-terminal where the prompt matters. Configured retention (the defaults): completed 30
 * days, failed 7.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CliPlansIT {

  static final JsonMapper JSON = JsonMapper.builder().build();

  Path scratch;
  CliDatabase database;

  abstract CliDatabase database(Path dataDir);

  @BeforeAll
  void createStore(@TempDir Path scratch) {
    this.scratch = scratch;
    database = database(scratch.resolve("data"));
    database.migrate();
  }

  @BeforeEach
  void emptyStore() throws IOException {
    database.reset();
    CliIT.empty(database.layout().uploadsRoot());
    CliIT.empty(database.layout().outputsRoot());
  }

  Result cleanup(String... args) {
    List<String> all = new ArrayList<>(List.of("cleanup"));
    all.addAll(List.of(args));
    return new CliProcess(scratch).env(database.env()).unpacked(all.toArray(String[]::new));
  }

  Result onTerminal(String typed, String... args) {
    List<String> all = new ArrayList<>(List.of("cleanup"));
    all.addAll(List.of(args));
    return new CliProcess(scratch)
        .env(database.env())
        .onTerminal(typed, all.toArray(String[]::new));
  }

  CreatedJob expired(JobStatus status) {
    return database.with(
        db ->
            db.fixtures()
                .aJob(status)
                .finishedAt(Instant.now().minus(Duration.ofDays(40)))
                .create());
  }

  boolean intact(CreatedJob job) {
    return database.with(db -> db.fixtures().intact(job));
  }

  boolean gone(CreatedJob job) {
    return database.with(db -> db.fixtures().gone(job));
  }

  // ---- --save-plan and --apply-plan
  // --------------------------------------------------------------

  @Test
  void aSavedPlanFileIsAppliedAndNothingOutsideItIsDeleted() throws IOException {
    CreatedJob planned = expired(COMPLETED);
    Path file = scratch.resolve("plan.json");

    Result saved = cleanup("--dry-run", "--old-completed", "--save-plan", file.toString());

    assertThat(saved.exitCode()).as("%s", saved).isZero();
    assertThat(saved.stdout()).contains("Plan:").contains("--apply-plan");
    JsonNode plan = JSON.readTree(Files.readString(file));
    assertThat(plan.path("kind").asString()).isEqualTo("storekeeper-cleanup-plan");
    assertThat(plan.path("items")).hasSize(1);
    CreatedJob later = expired(COMPLETED);
    CreatedJob notSelected = expired(FAILED);

    Result applied = cleanup("--apply-plan", file.toString(), "--json");

    assertThat(applied.exitCode()).as("%s", applied).isZero();
    JsonNode result = JSON.readTree(applied.stdout());
    assertThat(result.path("plan").path("plan_id").asString())
        .isEqualTo(plan.path("plan_id").asString());
    assertThat(result.path("plan").path("deleted").asLong()).isEqualTo(1);
    assertThat(gone(planned)).isTrue();
    assertThat(intact(later)).as("expired after the plan was made").isTrue();
    assertThat(intact(notSelected)).isTrue();

    Result again = cleanup("--apply-plan", plan.path("plan_id").asString());
    assertThat(again.exitCode()).as("%s", again).isEqualTo(2);
    assertThat(again.stderr()).contains("already applied");
    assertThat(intact(later)).isTrue();

    Result runs = new CliProcess(scratch).env(database.env()).unpacked("runs", "--json");
    JsonNode ledger = JSON.readTree(runs.stdout()).path("runs");
    assertThat(ledger.get(0).path("plan_id").asString()).isEqualTo(plan.path("plan_id").asString());
    assertThat(ledger.get(1).path("is_plan").asBoolean()).isTrue();
    assertThat(new CliProcess(scratch).env(database.env()).unpacked("runs").stdout())
        .containsPattern("cli +apply +succeeded +1 ")
        .containsPattern("cli +plan +succeeded +1 ");
  }

  @Test
  void anEditedOrForeignPlanFileIsRefusedNamingTheFile() throws IOException {
    CreatedJob job = expired(COMPLETED);
    CreatedJob other = expired(COMPLETED);
    Path file = scratch.resolve("reviewed.json");
    assertThat(cleanup("--dry-run", "--save-plan", file.toString()).exitCode()).isZero();
    ObjectNode plan = (ObjectNode) JSON.readTree(Files.readString(file));
    ((ObjectNode) plan.path("items").get(0)).put("bytes", 1);
    Path edited = scratch.resolve("edited.json");
    Files.writeString(edited, JSON.writeValueAsString(plan));
    Path notJson = scratch.resolve("broken.json");
    Files.writeString(notJson, "{\"kind\": ");
    Path notAPlan = scratch.resolve("other.json");
    Files.writeString(notAPlan, "{\"kind\": \"something else\"}");

    for (Path refused : List.of(edited, notJson, notAPlan, scratch.resolve("missing.json"))) {
      Result result = cleanup("--apply-plan", refused.toString());
      assertThat(result.exitCode()).as("%s: %s", refused, result).isEqualTo(2);
      assertThat(result.stderr()).as("%s", refused).contains(refused.toString());
    }
    assertThat(intact(job)).isTrue();
    assertThat(intact(other)).isTrue();
  }

  @Test
  void aPlanOlderThanTheMaximumAgeIsRefusedUnlessForced() {
    CreatedJob job = expired(COMPLETED);
    Path file = scratch.resolve("old.json");
    assertThat(cleanup("--dry-run", "--save-plan", file.toString()).exitCode()).isZero();
    database.with(
        db ->
            db.jdbc()
                .sql("update cleanup_runs set started_at = :at where is_plan = true")
                .param("at", Sql.ts(Instant.now().minus(Duration.ofHours(30))))
                .update());

    String planId = JSON.readTree(file.toFile()).path("plan_id").asString();

    Result refused = cleanup("--apply-plan", planId);
    assertThat(refused.exitCode()).as("%s", refused).isEqualTo(2);
    assertThat(refused.stderr()).contains("PLAN_MAX_AGE_HOURS");
    assertThat(intact(job)).isTrue();

    Result forced = cleanup("--apply-plan", planId, "--force");
    assertThat(forced.exitCode()).as("%s", forced).isZero();
    assertThat(gone(job)).isTrue();
  }

  @Test
  void optionsThatMeanNothingTogetherAreRefusedNamingThem() {
    Path file = scratch.resolve("p.json");
    Map<List<String>, String> refused = new LinkedHashMap<>();
    refused.put(List.of("--save-plan", file.toString()), "--save-plan needs --dry-run");
    refused.put(
        List.of("--dry-run", "--include-unrecognized", "--save-plan", file.toString()),
        "--include-unrecognized cannot be planned");
    refused.put(List.of("--apply-plan", "x.json", "--old-completed"), "--old-completed");
    refused.put(List.of("--apply-plan", "x.json", "--completed-days", "3"), "--completed-days");
    refused.put(List.of("--apply-plan", "x.json", "--dry-run"), "--dry-run");
    refused.put(List.of("--force"), "--force");
    refused.forEach(
        (args, named) -> {
          Result result = cleanup(args.toArray(String[]::new));
          assertThat(result.exitCode()).as("%s: %s", args, result).isEqualTo(2);
          assertThat(result.stderr()).as("%s", args).contains(named);
        });
    assertThat(file).doesNotExist();
  }

  // ---- the confirmation prompt
  // --------------------------------------------------------------------

  @Test
  void onATerminalARealRunShowsThePlanAndDeletesItWhenConfirmed() {
    CreatedJob job = expired(COMPLETED);
    CreatedJob failed = expired(FAILED);

    Result confirmed = onTerminal("y\n");

    assertThat(confirmed.exitCode()).as("%s", confirmed).isZero();
    assertThat(confirmed.stdout()).contains("completed_job").contains("[y/N]");
    assertThat(confirmed.stdout()).contains("Plan applied:").contains("2 deleted");
    assertThat(gone(job)).isTrue();
    assertThat(gone(failed)).isTrue();
  }

  @Test
  void onATerminalAnythingButYesDeletesNothing() {
    CreatedJob job = expired(COMPLETED);

    for (String answer : List.of("n\n", "\n", "yes please\n", "")) {
      Result declined = onTerminal(answer);
      assertThat(declined.exitCode()).as("%s: %s", answer, declined).isEqualTo(1);
      assertThat(declined.stdout()).contains("[y/N]").contains("nothing was deleted");
    }
    assertThat(intact(job)).isTrue();
  }

  @Test
  void yesSkipsThePromptAndADryRunNeverAsks() {
    CreatedJob job = expired(COMPLETED);

    Result dry = onTerminal("", "--dry-run");
    assertThat(dry.exitCode()).as("%s", dry).isZero();
    assertThat(dry.stdout()).doesNotContain("[y/N]");
    assertThat(intact(job)).isTrue();

    Result yes = onTerminal("", "--yes");
    assertThat(yes.exitCode()).as("%s", yes).isZero();
    assertThat(yes.stdout()).doesNotContain("[y/N]");
    assertThat(gone(job)).isTrue();
  }

  @Test
  void withoutATerminalItNeverAsksAndDeletes() {
    CreatedJob job = expired(COMPLETED);

    Result cron = cleanup();

    assertThat(cron.exitCode()).as("%s", cron).isZero();
    assertThat(cron.stdout() + cron.stderr()).doesNotContain("[y/N]");
    assertThat(gone(job)).isTrue();
  }
}
