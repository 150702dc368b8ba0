package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CleanupItem;
import dev.storekeeper.cleanup.CleanupReports.ItemView;
import dev.storekeeper.cleanup.CleanupRun;
import java.util.List;
import java.util.function.Consumer;

/** Every item of a run, a page at a time: memory does not grow with the size of the run. */
final class RunItems implements JsonDocument.Items {

  private static final int PAGE = 500;

  private final CliContext context;
  private final CleanupRun run;

  RunItems(CliContext context, CleanupRun run) {
    this.context = context;
    this.run = run;
  }

  @Override
  public void forEach(Consumer<ItemView> action) {
    long after = 0;
    while (true) {
      List<CleanupItem> page = context.cleanup().items(run.id(), after, PAGE);
      page.forEach(item -> action.accept(context.reports().item(item)));
      if (page.size() < PAGE) {
        return;
      }
      after = page.get(page.size() - 1).seq();
    }
  }
}
