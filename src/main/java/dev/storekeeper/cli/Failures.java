package dev.storekeeper.cli;

import dev.storekeeper.StorekeeperException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Decides what a failure means to the operator, and so the exit code: the database cannot be
 * reached (4), the configuration is invalid (2, explained by the same failure analyzers the service
 * uses, so the message names the variable), a data directory cannot be reached (4), or something
 * unexpected (4, "internal error"). The stack trace is logged at DEBUG ({@code
 * LOGGING_LEVEL_DEV_STOREKEEPER_CLI=DEBUG}), never printed by default.
 */
final class Failures {

  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  /** H2 error codes (its SQL states) that mean the database file cannot be opened. */
  private static final Set<String> H2_UNREACHABLE =
      Set.of("90013", "90020", "90028", "90062", "90067", "90098", "90146");

  private static final int MAX_CAUSES = 64;

  private Failures() {}

  static CliFailure classify(Throwable failure) {
    if (failure instanceof CliFailure known) {
      return known;
    }
    if (failure instanceof StorekeeperException refused && refused.status() < 500) {
      // what the API answers with a 4xx: the request cannot be done as asked (no such job, an
      // invalid value): the operator's to fix, like a usage error
      return new CliFailure(ExitCodes.USAGE, refused.getMessage(), failure);
    }
    log.debug("Command failed", failure);
    Optional<String> database = databaseUnreachable(failure);
    if (database.isPresent()) {
      return new CliFailure(
          ExitCodes.UNREACHABLE,
          "Cannot reach the database: "
              + database.get()
              + System.lineSeparator()
              + "Check SPRING_DATASOURCE_URL (for the embedded database: DATA_DIR) and that the"
              + " database is running.",
          failure);
    }
    Optional<FailureAnalysis> analysis = analyze(failure);
    if (analysis.isPresent()) {
      String action = analysis.get().getAction();
      return new CliFailure(
          ExitCodes.USAGE,
          analysis.get().getDescription()
              + (action == null || action.isBlank() ? "" : System.lineSeparator() + action),
          failure);
    }
    for (Throwable cause : causes(failure)) {
      if (cause instanceof IllegalStateException
          && cause.getMessage() != null
          && cause.getMessage().startsWith("Invalid configuration")) {
        return new CliFailure(ExitCodes.USAGE, cause.getMessage(), failure);
      }
    }
    for (Throwable cause : causes(failure)) {
      if (cause instanceof UncheckedIOException || cause instanceof FileSystemException) {
        return new CliFailure(
            ExitCodes.UNREACHABLE,
            "Cannot reach the data directories: "
                + describe(cause)
                + System.lineSeparator()
                + "Check DATA_DIR (and UPLOAD_DIR, OUTPUT_DIR): they must exist or be creatable,"
                + " and be readable and writable by this user.",
            failure);
      }
    }
    List<Throwable> chain = causes(failure);
    return new CliFailure(
        ExitCodes.INTERNAL,
        "Internal error: "
            + describe(chain.get(chain.size() - 1))
            + " (details: LOGGING_LEVEL_DEV_STOREKEEPER_CLI=DEBUG)",
        failure);
  }

  private static Optional<String> databaseUnreachable(Throwable failure) {
    boolean unreachable = false;
    SQLException deepest = null;
    Throwable network = null;
    for (Throwable cause : causes(failure)) {
      if (cause instanceof SQLException sql) {
        deepest = sql;
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        unreachable |=
            sql instanceof SQLTransientConnectionException
                || sql instanceof SQLNonTransientConnectionException
                || state.startsWith("08") // connection exception
                || state.startsWith("28") // invalid authorization
                || state.equals("3D000") // no such database
                || H2_UNREACHABLE.contains(state);
      }
      if (cause instanceof ConnectException
          || cause instanceof UnknownHostException
          || cause instanceof SocketTimeoutException) {
        network = cause;
        unreachable = true;
      }
      unreachable |=
          cause instanceof CannotGetJdbcConnectionException
              || cause.getClass().getName().endsWith("PoolInitializationException");
    }
    if (!unreachable) {
      return Optional.empty();
    }
    Throwable best = deepest != null ? deepest : network != null ? network : failure;
    return Optional.of(describe(best));
  }

  /** What the failure analyzers of the application (ours first, then Spring Boot's) make of it. */
  private static Optional<FailureAnalysis> analyze(Throwable failure) {
    List<FailureAnalyzer> analyzers =
        new ArrayList<>(
            SpringFactoriesLoader.forDefaultResourceLocation(Failures.class.getClassLoader())
                .load(
                    FailureAnalyzer.class,
                    SpringFactoriesLoader.ArgumentResolver.none(),
                    SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> {})));
    analyzers.sort(
        Comparator.comparing(
            analyzer -> !analyzer.getClass().getName().startsWith("dev.storekeeper.")));
    for (FailureAnalyzer analyzer : analyzers) {
      try {
        FailureAnalysis analysis = analyzer.analyze(failure);
        if (analysis != null) {
          return Optional.of(analysis);
        }
      } catch (RuntimeException e) {
        log.debug("Failure analyzer {} failed", analyzer.getClass().getName(), e);
      }
    }
    return Optional.empty();
  }

  private static List<Throwable> causes(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && chain.size() < MAX_CAUSES; t = t.getCause()) {
      if (chain.contains(t)) {
        break;
      }
      chain.add(t);
    }
    return chain;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank()
        ? cause.getClass().getSimpleName()
        : message.strip();
  }
}
