package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupItem;
import dev.storekeeper.cleanup.CleanupReports.PlanDocument;
import dev.storekeeper.cleanup.CleanupRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The file of a plan: written by {@code --save-plan}, read by {@code --apply-plan}. The database
 * holds the plan; the file names it and shows it for review. A file is applied only if it is a plan
 * document and says exactly what the stored plan says (every item, in order): an edited file is
 * refused, so what someone reviewed in it is what is applied.
 */
final class PlanFile {

  private static final int PAGE = 500;

  private PlanFile() {}

  /** Refuses (exit 2) a path whose directory cannot take the file, before any work is done. */
  static void requireWritable(Path file) {
    Path directory = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file) || directory == null || !Files.isDirectory(directory)) {
      throw usage("--save-plan " + file + ": not a file in an existing directory");
    }
    if (!Files.isWritable(directory)) {
      throw usage("--save-plan " + file + ": cannot write to " + directory);
    }
  }

  /** Writes the plan's document to {@code file}, whole or not at all. */
  static void write(CliContext context, CleanupRun plan, Path file) {
    Path target = file.toAbsolutePath();
    Path temp = null;
    try {
      temp = Files.createTempFile(target.getParent(), ".plan-", ".tmp");
      try (OutputStream out = Files.newOutputStream(temp)) {
        context.reports().writePlan(plan, out);
        out.write('\n');
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException notHere) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw usage("--save-plan " + file + ": cannot write it: " + e.getMessage());
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a leftover temporary file is harmless
        }
      }
    }
  }

  /** A plan id as given, or empty when the argument is not one (then it names a file). */
  static Optional<UUID> id(String argument) {
    try {
      UUID id = UUID.fromString(argument);
      return id.toString().equalsIgnoreCase(argument) ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException notAnId) {
      return Optional.empty();
    }
  }

  /** The plan id a plan file names; refused (exit 2, naming the file) if it is not a plan file. */
  static UUID idIn(JsonMapper json, Path file) {
    JsonNode plan = read(json, file);
    return id(plan.path("plan_id").asString(""))
        .orElseThrow(() -> usage(file + " is not a plan file: it has no valid plan_id"));
  }

  /**
   * Refuses (exit 2, naming the file) a plan file that differs from the stored plan in anything it
   * says: its header (when made, parameters, totals) or any item.
   */
  static void requireMatches(CliContext context, Path file, CleanupRun stored) {
    JsonMapper json = context.json();
    JsonNode given = read(json, file);
    PlanDocument document = context.reports().plan(stored);
    JsonNode expected = json.valueToTree(document);
    for (String field :
        List.of("plan_id", "made_at", "parameters", "summary", "items_total", "bytes_total")) {
      if (!same(json, expected.path(field), given.path(field))) {
        throw tampered(file, stored, "its " + field + " differs");
      }
    }
    JsonNode items = given.path("items");
    if (!items.isArray()) {
      throw tampered(file, stored, "it has no items array");
    }
    Iterator<JsonNode> listed = items.iterator();
    long after = 0;
    long index = 0;
    while (true) {
      List<CleanupItem> page = context.cleanup().plannedItems(stored.id(), after, PAGE);
      for (CleanupItem item : page) {
        if (!listed.hasNext()) {
          throw tampered(file, stored, "it lists fewer items");
        }
        if (!same(json, json.valueToTree(context.reports().planItem(item)), listed.next())) {
          throw tampered(file, stored, "its item " + index + " differs");
        }
        index++;
      }
      if (page.size() < PAGE) {
        break;
      }
      after = page.get(page.size() - 1).seq();
    }
    if (listed.hasNext()) {
      throw tampered(file, stored, "it lists more items");
    }
  }

  /** Equal as JSON text: a number read from a file is the same as the long it was written from. */
  private static boolean same(JsonMapper json, JsonNode expected, JsonNode given) {
    return json.writeValueAsString(expected).equals(json.writeValueAsString(given));
  }

  private static JsonNode read(JsonMapper json, Path file) {
    if (!Files.isRegularFile(file)) {
      throw usage("--apply-plan " + file + ": no such plan id or file");
    }
    JsonNode plan;
    try (InputStream in = Files.newInputStream(file)) {
      plan = json.readTree(in);
    } catch (IOException | JacksonException e) {
      throw usage(file + " is not a plan file: it cannot be read as JSON (" + e.getMessage() + ")");
    }
    if (plan == null
        || !plan.isObject()
        || !PlanDocument.KIND.equals(plan.path("kind").asString(""))) {
      throw usage(file + " is not a plan file: its kind is not \"" + PlanDocument.KIND + "\"");
    }
    return plan;
  }

  private static CliFailure tampered(Path file, CleanupRun stored, String what) {
    return usage(
        file
            + " does not match plan "
            + stored.id()
            + " as stored ("
            + what
            + "): refusing to apply an edited plan; nothing was deleted");
  }

  private static CliFailure usage(String message) {
    return new CliFailure(ExitCodes.USAGE, message, null);
  }
}
