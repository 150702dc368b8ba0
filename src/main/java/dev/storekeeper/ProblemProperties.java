package dev.storekeeper;

import java.util.Map;

/** An exception that adds fields to its problem document (e.g. the running cleanup's id). */
public interface ProblemProperties {
  Map<String, Object> properties();
}
