package dev.storekeeper.jobs;

import dev.storekeeper.jobs.JobTotalsRepository.Figures;
import dev.storekeeper.jobs.JobTotalsRepository.Slot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks the running totals (V11) against the jobs they count ({@code stats --verify}) and, asked
 * to, corrects them.
 *
 * <p>The check reads the totals and recomputes them from {@code jobs} in one repeatable-read
 * transaction, one snapshot: writers that commit meanwhile change neither side, so a busy service
 * shows no false drift. A correction is the difference found, <em>added</em> to the totals in a
 * later transaction; additions commute with the triggers' own, so writers that commit between the
 * check and the correction are not undone. Two repairs at once would both add it: run one at a
 * time. The repair checks again and reports what is left.
 */
@Service
public class JobTotalsService {

  private final JobTotalsRepository totals;
  private final PlatformTransactionManager transactions;
  private final TransactionTemplate tx;
  private final Clock clock;
  private volatile TransactionTemplate snapshot;

  JobTotalsService(
      JobTotalsRepository totals, PlatformTransactionManager transactions, Clock clock) {
    this.totals = totals;
    this.transactions = transactions;
    this.tx = new TransactionTemplate(transactions);
    this.clock = clock;
  }

  /**
   * A read-only transaction that sees one snapshot of every table: PostgreSQL's repeatable read.
   * H2's repeatable read takes each table's snapshot when the table is first read, so a writer
   * committing between the two reads would show as drift; its serializable level snapshots all.
   */
  private TransactionTemplate snapshot() {
    TransactionTemplate known = snapshot;
    if (known == null) {
      known = new TransactionTemplate(transactions);
      known.setIsolationLevel(
          totals.isH2()
              ? TransactionDefinition.ISOLATION_SERIALIZABLE
              : TransactionDefinition.ISOLATION_REPEATABLE_READ);
      known.setReadOnly(true);
      snapshot = known;
    }
    return known;
  }

  /**
   * One total that differs from the jobs it counts: a status's (or {@code held}'s) when {@code
   * span} is null, else the finished jobs of {@code name} that completed in the day or hour ({@code
   * span}) that begins at {@code start}.
   */
  public record Drift(String name, String span, Instant start, Figures stored, Figures actual) {}

  /**
   * The result of a check: the drifts found ({@code clean} when none); for a repair, {@code
   * repaired} when a second check found none left.
   */
  public record Check(Instant checkedAt, boolean clean, List<Drift> drifts, boolean repaired) {
    static Check of(Instant checkedAt, List<Drift> drifts, boolean repaired) {
      return new Check(checkedAt, drifts.isEmpty(), List.copyOf(drifts), repaired);
    }
  }

  /** Recomputes the totals from the jobs (reads every job) and lists what differs. */
  public Check verify() {
    return Check.of(clock.instant(), snapshot().execute(status -> drifts()), false);
  }

  /**
   * Corrects the drift found by a check; returns that drift, with {@code repaired} true when a
   * second check found none left.
   */
  public Check repair() {
    List<Drift> found = snapshot().execute(status -> drifts());
    if (found.isEmpty()) {
      return Check.of(clock.instant(), found, true);
    }
    tx.executeWithoutResult(
        status -> {
          for (Drift drift : found) {
            Figures delta = drift.actual().minus(drift.stored());
            if (drift.span() == null) {
              totals.correctTotal(drift.name(), delta);
            } else {
              long slot =
                  JobTotalsRepository.DAY.equals(drift.span())
                      ? JobTotalsRepository.day(drift.start())
                      : JobTotalsRepository.hour(drift.start());
              totals.correctCompletions(new Slot(drift.name(), drift.span(), slot), delta);
            }
          }
        });
    boolean left = !snapshot().execute(status -> drifts()).isEmpty();
    return Check.of(clock.instant(), found, !left);
  }

  private List<Drift> drifts() {
    List<Drift> drifts = new ArrayList<>();
    compare(totals.storedTotals(), totals.actualTotals(), drifts);
    compare(totals.storedCompletions(), totals.actualCompletions(), drifts);
    drifts.sort(
        Comparator.comparing((Drift d) -> d.span() != null)
            .thenComparing(Drift::name)
            .thenComparing(d -> d.span() == null ? "" : d.span())
            .thenComparing(d -> d.start() == null ? Instant.EPOCH : d.start()));
    return drifts;
  }

  private static <K> void compare(
      Map<K, Figures> stored, Map<K, Figures> actual, List<Drift> drifts) {
    Set<K> keys = new HashSet<>(stored.keySet());
    keys.addAll(actual.keySet());
    for (K key : keys) {
      Figures kept = stored.getOrDefault(key, Figures.NONE);
      Figures real = actual.getOrDefault(key, Figures.NONE);
      if (!kept.equals(real)) {
        drifts.add(
            key instanceof Slot slot
                ? new Drift(
                    slot.status(),
                    slot.span(),
                    JobTotalsRepository.startOf(slot.span(), slot.slot()),
                    kept,
                    real)
                : new Drift((String) key, null, null, kept, real));
      }
    }
  }
}
