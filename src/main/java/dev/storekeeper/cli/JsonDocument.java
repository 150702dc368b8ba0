package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupReports.ItemView;
import dev.storekeeper.cleanup.CleanupReports.KeepOpen;
import dev.storekeeper.cleanup.CleanupReports.RunReport;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes one JSON document on stdout with the application's JSON mapper (so its field names and
 * formats are those of the HTTP API). With every item requested, the {@code items} array is
 * streamed a page at a time instead of being built in memory.
 */
final class JsonDocument {

  /** Hands every item, in order, to the consumer. */
  @FunctionalInterface
  interface Items {
    void forEach(Consumer<ItemView> action);
  }

  private JsonDocument() {}

  static void write(JsonMapper json, PrintStream out, Object document) {
    out.println(json.writeValueAsString(document));
    out.flush();
  }

  /** The report, with {@code items} replaced by every item when {@code allItems} is given. */
  static void write(JsonMapper json, PrintStream out, RunReport report, Items allItems) {
    if (allItems == null) {
      write(json, out, report);
      return;
    }
    JsonNode tree = json.valueToTree(report);
    try (JsonGenerator generator = json.createGenerator(new KeepOpen(out))) {
      generator.writeStartObject();
      for (Map.Entry<String, JsonNode> property : tree.properties()) {
        generator.writeName(property.getKey());
        if (property.getKey().equals("items")) {
          generator.writeStartArray();
          allItems.forEach(generator::writePOJO);
          generator.writeEndArray();
        } else {
          generator.writeTree(property.getValue());
        }
      }
      generator.writeEndObject();
    }
    out.println();
    out.flush();
  }
}
