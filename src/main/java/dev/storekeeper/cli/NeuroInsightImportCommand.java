package dev.storekeeper.cli;

import dev.storekeeper.imports.ImportReport;
import dev.storekeeper.imports.ImportReport.Item;
import dev.storekeeper.imports.NeuroInsightImport;
import dev.storekeeper.imports.NeuroInsightSource;
import dev.storekeeper.imports.SourceUnreachableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code import neuroinsight}: the reference application's database and data directory. */
@Command(
    name = "neuroinsight",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Imports the jobs, metrics and files of NeuroInsight (the reference application) from its"
          + " PostgreSQL database and its data/ directory. Jobs keep their ids; files are moved"
          + " into Storekeeper's data directory (renamed on the same filesystem; copied, verified"
          + " and kept in the source otherwise). Nothing outside --source-data is read or moved."
          + " Safe to rerun: what is already imported is reported as present, an interrupted"
          + " import is finished.",
      "Jobs NeuroInsight shows as running or pending are imported as failed (their worker is"
          + " gone), or left out with --skip-running.",
      "The source password is read from --source-password-file, or the environment variable "
          + NeuroInsightImportCommand.PASSWORD_VARIABLE
          + ", or --source-password (visible to other users in 'ps': avoid)."
    },
    exitCodeList = {
      "0:Success: every job was imported, or was already, or was skipped as asked.",
      "1:Some jobs could not be imported (refused or not finished); each is listed with its"
          + " reason. A rerun retries them and finishes interrupted ones.",
      "2:Usage error: an option or its value (--source-url, --source-data), or the source"
          + " database is not in NeuroInsight's schema (the message names the table and column).",
      "4:The source or Storekeeper's database or data directories cannot be reached, or an"
          + " internal error stopped the command."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  export " + NeuroInsightImportCommand.PASSWORD_VARIABLE + "=...",
      "  storekeeper import neuroinsight --source-url jdbc:postgresql://127.0.0.1:5432/neuroinsight"
          + " \\",
      "      --source-user neuroinsight --source-data /srv/neuroinsight/data --dry-run",
    })
final class NeuroInsightImportCommand implements Callable<Integer> {

  static final String PASSWORD_VARIABLE = "NEUROINSIGHT_SOURCE_PASSWORD";

  @Option(
      names = "--source-url",
      required = true,
      paramLabel = "JDBC_URL",
      converter = SourceUrl.class,
      description = "NeuroInsight's database: jdbc:postgresql://HOST:PORT/DATABASE.")
  String sourceUrl;

  @Option(names = "--source-user", paramLabel = "USER", description = "Its database user.")
  String sourceUser;

  @Option(
      names = "--source-password",
      paramLabel = "PASSWORD",
      description =
          "Its database password. Shows in 'ps': prefer --source-password-file or "
              + PASSWORD_VARIABLE
              + ".")
  String sourcePassword;

  @Option(
      names = "--source-password-file",
      paramLabel = "FILE",
      description = "A file whose first line is the database password.")
  Path sourcePasswordFile;

  @Option(
      names = "--source-data",
      required = true,
      paramLabel = "DIR",
      converter = SourceDir.class,
      description = "NeuroInsight's data/ directory (with uploads/ and outputs/).")
  Path sourceData;

  @Option(
      names = "--dry-run",
      description = "List what would be imported (jobs, metrics, files, bytes); change nothing.")
  boolean dryRun;

  @Option(
      names = "--skip-running",
      description = "Leave out jobs NeuroInsight shows as running or pending (listed as skipped).")
  boolean skipRunning;

  @Option(names = "--json", description = "Print the result as JSON and nothing else on stdout.")
  boolean json;

  private final Streams streams;
  private final Supplier<CliContext> contexts;
  private final Function<String, String> environment;

  NeuroInsightImportCommand(Streams streams, Supplier<CliContext> contexts) {
    this(streams, contexts, System::getenv);
  }

  NeuroInsightImportCommand(
      Streams streams, Supplier<CliContext> contexts, Function<String, String> environment) {
    this.streams = streams;
    this.contexts = contexts;
    this.environment = environment;
  }

  @Override
  public Integer call() {
    String password = password();
    NeuroInsightSource source;
    try {
      source = NeuroInsightSource.open(sourceUrl, sourceUser, password);
    } catch (SourceUnreachableException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, e.getMessage(), e);
    }
    try (source;
        CliContext context = contexts.get()) {
      ImportReport report;
      try {
        report =
            context
                .bean(NeuroInsightImport.class)
                .run(source, new NeuroInsightImport.Options(sourceData, dryRun, skipRunning));
      } catch (SourceUnreachableException e) {
        throw new CliFailure(ExitCodes.UNREACHABLE, e.getMessage(), e);
      }
      if (json) {
        JsonDocument.write(context.json(), streams.out(), report);
      } else {
        print(streams.outWriter(), report);
      }
      return report.anyFailed() ? ExitCodes.INCOMPLETE : ExitCodes.OK;
    }
  }

  private String password() {
    if (sourcePassword != null && sourcePasswordFile != null) {
      throw new CliFailure(
          ExitCodes.USAGE,
          "--source-password and --source-password-file are alternatives: give one",
          null);
    }
    if (sourcePasswordFile != null) {
      try {
        String text = Files.readString(sourcePasswordFile, StandardCharsets.UTF_8);
        return text.lines().findFirst().orElse("");
      } catch (IOException e) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "--source-password-file " + sourcePasswordFile + " cannot be read",
            null);
      }
    }
    if (sourcePassword != null) {
      return sourcePassword;
    }
    return environment.apply(PASSWORD_VARIABLE);
  }

  static void print(PrintWriter out, ImportReport report) {
    ImportReport.Counts counts = report.counts();
    out.println(
        report.dryRun()
            ? "Import from NeuroInsight, dry run: nothing was changed."
            : "Import from NeuroInsight.");
    out.printf(
        "  %s %s, %s, %s, %s%n",
        report.dryRun() ? "would import:" : "imported:",
        HumanOutput.count(counts.imported(), "job"),
        HumanOutput.count(counts.metrics(), "metric row"),
        HumanOutput.count(counts.files(), "file"),
        HumanOutput.size(counts.bytes()));
    out.printf("  already present: %d%n", counts.present());
    out.printf("  skipped: %d%n", counts.skipped());
    out.printf("  failed: %d%n", counts.failed());
    if (counts.imported() + counts.skipped() + counts.failed() == 0) {
      out.println(
          counts.present() == 0
              ? "Nothing to import: the source has no jobs."
              : "Nothing new to import: every job was imported before.");
    }
    for (Item item : report.items()) {
      if (item.outcome().equals(ImportReport.PRESENT)) {
        continue;
      }
      String outcome =
          report.dryRun() && item.outcome().equals(ImportReport.IMPORTED)
              ? "would import"
              : item.outcome();
      StringBuilder line = new StringBuilder();
      line.append(item.jobId())
          .append("  ")
          .append(outcome)
          .append("  ")
          .append(item.sourceStatus());
      if (item.status() != null) {
        line.append(" -> ").append(item.status());
      }
      line.append("  ").append(HumanOutput.escaped(item.filename()));
      if (item.outcome().equals(ImportReport.IMPORTED)) {
        line.append("  ")
            .append(HumanOutput.count(item.metrics(), "metric row"))
            .append(", ")
            .append(HumanOutput.count(item.files(), "file"))
            .append(", ")
            .append(HumanOutput.size(item.bytes()));
      }
      line.append(": ").append(HumanOutput.escaped(item.reason()));
      out.println(line);
    }
    out.flush();
  }
}
