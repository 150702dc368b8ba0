package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.imports.ImportReport;
import dev.storekeeper.imports.ImportReport.Counts;
import dev.storekeeper.imports.ImportReport.Item;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NeuroInsightImportOutputTest {

  static String print(ImportReport report) {
    StringWriter text = new StringWriter();
    NeuroInsightImportCommand.print(new PrintWriter(text), report);
    return text.toString();
  }

  static Item item(String name, String outcome, String reason) {
    return new Item(
        UUID.randomUUID(), name, "COMPLETED", "completed", outcome, reason, 3, 2, 2048, null, null);
  }

  @Test
  void aNameWithANewlineStaysOnItsJobsLine() {
    Item weird = item("scan\nforged line\r.nii", ImportReport.IMPORTED, "imported");

    String text =
        print(new ImportReport(false, new Counts(1, 0, 0, 0, 3, 2, 2048), List.of(weird)));

    assertThat(text).doesNotContain("\nforged line");
    assertThat(text.lines().filter(line -> line.contains(weird.jobId().toString())))
        .singleElement()
        .satisfies(line -> assertThat(line).contains("scan\\nforged line\\r.nii"));
  }

  @Test
  void aDryRunSaysWouldImportAndThatNothingChanged() {
    Item one = item("scan.nii", ImportReport.IMPORTED, "would be imported");

    String text = print(new ImportReport(true, new Counts(1, 0, 0, 0, 3, 2, 2048), List.of(one)));

    assertThat(text).contains("dry run: nothing was changed").contains("would import: 1 job");
    assertThat(text).contains(one.jobId() + "  would import  COMPLETED -> completed");
  }

  @Test
  void aRerunWithNothingNewSaysSoAndListsNoJobs() {
    Item present = item("scan.nii", ImportReport.PRESENT, "imported by an earlier run");

    String text = print(new ImportReport(false, new Counts(0, 1, 0, 0, 0, 0, 0), List.of(present)));

    assertThat(text).contains("Nothing new to import").contains("already present: 1");
    assertThat(text).doesNotContain(present.jobId().toString());
  }
}
