import dev.storekeeper.StorekeeperApplication;
import dev.storekeeper.cleanup.CleanupProgress;
import dev.storekeeper.cleanup.CleanupRequest;
import dev.storekeeper.cleanup.CleanupRun;
import dev.storekeeper.cleanup.CleanupService;
import dev.storekeeper.cleanup.Trigger;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stand-in for {@code storekeeper cleanup} until the CLI lands: starts the application the way the
 * CLI does (no web server, no scheduler), runs one full cleanup through {@link CleanupService} and
 * prints the run. Run from the fat jar, so class loading costs the same as the CLI's:
 *
 * <pre>
 * java -cp target/storekeeper.jar -Dloader.path=bench/out/classes -Dloader.main=InProcessCleanup \
 *   org.springframework.boot.loader.launch.PropertiesLauncher [--dry-run]
 * </pre>
 */
public class InProcessCleanup {
  public static void main(String[] args) {
    boolean dryRun = args.length > 0 && args[0].equals("--dry-run");
    boolean migrateOnly = args.length > 0 && args[0].equals("--migrate-only");
    int status = 0;
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(StorekeeperApplication.class)
            .web(WebApplicationType.NONE)
            .properties("db-scheduler.enabled=false", "spring.main.banner-mode=off")
            .run()) {
      if (!migrateOnly) {
        CleanupRun run =
            context
                .getBean(CleanupService.class)
                .run(CleanupRequest.full(Trigger.CLI, dryRun), CleanupProgress.NONE);
        System.out.printf(
            "run %s %s dry=%s items=%d errors=%d bytes=%d in %d ms%n",
            run.id(),
            run.outcome(),
            run.dryRun(),
            run.counts().itemsRecorded(),
            run.counts().errorCount(),
            run.counts().bytesFreed(),
            run.durationMs());
        status = run.counts().errorCount() == 0 ? 0 : 1;
      }
    }
    System.exit(status);
  }
}
