import dev.storekeeper.storage.SafeFiles;
import java.nio.file.Path;

/**
 * Times one {@link SafeFiles} walk of one entry inside the JVM (JVM start-up excluded), for
 * bench/tree-walk.sh:
 *
 * <pre>
 * java -cp target/classes:bench/out/tree-walk TreeWalkBench ROOT NAME dry|real
 * </pre>
 *
 * Prints: mode, seconds, files, bytes, errors.
 */
public class TreeWalkBench {
  public static void main(String[] args) {
    Path root = Path.of(args[0]);
    boolean dry = args[2].equals("dry");
    long start = System.nanoTime();
    SafeFiles.Removal removal = SafeFiles.remove(root, args[1], dry);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%s %.3f files=%d bytes=%d errors=%d%n",
        args[2], seconds, removal.files(), removal.bytes(), removal.errors().size());
    if (!removal.complete()) {
      removal.errors().forEach(System.err::println);
      System.exit(1);
    }
  }
}
