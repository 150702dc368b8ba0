import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * The object-store floor of the S3 cleanup benchmark (issue 13): the least a cleanup that knows
 * the answer beforehand must send. One process: the two SQL deletes of the filesystem floor
 * (bench/run.sh's floor.sql: metrics, then jobs, ids as one uuid[] parameter, one transaction),
 * then quiet DeleteObjects of exactly the given keys, 1,000 per request, 4 in flight (our
 * ObjectStore's Limits.DEFAULT). It lists nothing, reads no row and records nothing.
 *
 * <pre>
 * java -cp ... S3Floor BUCKET KEYS_FILE IDS_FILE|- JDBC_URL|-
 * </pre>
 *
 * Prints "sql_ms delete_ms keys requests"; exits 1 if S3 reports any key not deleted.
 */
public class S3Floor {

  static final int BATCH = 1000;
  static final int IN_FLIGHT = 4;

  public static void main(String[] args) throws Exception {
    String bucket = args[0];
    List<String> keys = Files.readAllLines(Path.of(args[1]));
    List<String> ids = args[2].equals("-") ? List.of() : Files.readAllLines(Path.of(args[2]));
    String url = args[3];

    long t0 = System.nanoTime();
    if (!url.equals("-") && !ids.isEmpty()) {
      try (Connection db = DriverManager.getConnection(url)) {
        db.setAutoCommit(false);
        Array array = db.createArrayOf("uuid", ids.toArray());
        for (String sql :
            List.of(
                "delete from metrics where job_id = any(?)", "delete from jobs where id = any(?)")) {
          try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setArray(1, array);
            st.executeUpdate();
          }
        }
        db.commit();
      }
    }
    long t1 = System.nanoTime();

    int requests = 0;
    long errors = 0;
    try (S3Client s3 = BenchS3.create()) {
      ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
      Deque<Future<Integer>> inFlight = new ArrayDeque<>();
      for (int from = 0; from < keys.size(); from += BATCH) {
        List<ObjectIdentifier> batch = new ArrayList<>(BATCH);
        for (String key : keys.subList(from, Math.min(keys.size(), from + BATCH))) {
          batch.add(ObjectIdentifier.builder().key(key).build());
        }
        if (inFlight.size() == IN_FLIGHT) {
          errors += inFlight.removeFirst().get();
        }
        inFlight.addLast(
            pool.submit(
                () -> {
                  DeleteObjectsResponse response =
                      s3.deleteObjects(
                          r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
                  return response.errors().size();
                }));
        requests++;
      }
      while (!inFlight.isEmpty()) {
        errors += inFlight.removeFirst().get();
      }
      pool.shutdown();
    }
    long t2 = System.nanoTime();
    System.out.printf(
        "%d %d %d %d%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, keys.size(), requests);
    if (errors > 0) {
      System.err.println(errors + " keys not deleted");
      System.exit(1);
    }
  }
}
