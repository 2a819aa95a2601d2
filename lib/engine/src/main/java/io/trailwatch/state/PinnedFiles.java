package io.trailwatch.state;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.AddFile;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Some tables' data files of some business units, listed once at one version of each table and
 * read again while the table is still at that version.
 *
 * <p>Why: a Delta read of a table lists the table's files as it plans, and a table with deletion
 * vectors lists them all once more to see whether any file has a vector (Delta 3.3's
 * {@code ScanWithDeletionVectors}): three Spark queries before the one that reads rows. A run
 * lists the baseline while the logs are read ({@link StateStore#prepare}); the read of the hour's
 * stored rows that follows the logs then plans over that list and runs one job. The list is used
 * only while the table's latest version is the listed one (the same table: its id, which a table
 * created again at the path does not share), so a read never sees other files than
 * a read of the table would (a commit since: the table is read as usual).
 */
final class PinnedFiles {
  private record Listing(Snapshot snapshot, List<String> businessUnits, Seq<AddFile> files) {}

  private final ConcurrentHashMap<String, Listing> byPath = new ConcurrentHashMap<>();

  /**
   * Lists the files of {@code businessUnits} at {@code snapshot} and keeps them for {@link #rows}: from
   * the snapshot's checksum when it lists them ({@link #inChecksum}), else by one Spark job.
   */
  void list(String path, Snapshot snapshot, List<String> businessUnits) {
    boolean partitioned = !snapshot.metadata().partitionColumns().isEmpty();
    List<AddFile> kept = new ArrayList<>();
    for (AddFile f : inChecksum(snapshot).map(JavaConverters::seqAsJavaList)
        .orElseGet(() -> snapshot.allFiles().collectAsList())) {
      if (!partitioned || businessUnits.contains(f.partitionValues().get("business_unit").getOrElse(() -> null))) {
        kept.add(f);
      }
    }
    byPath.put(path, new Listing(snapshot, List.copyOf(businessUnits), JavaConverters.asScalaBuffer(kept).toSeq()));
  }

  /**
   * The data files of {@code snapshot} as its checksum lists them, when it does: Delta 3.3 writes a
   * version's whole file list into the checksum it writes with each commit (the
   * {@code .crc} file beside it) while the table holds at most 50 files, which a state's ledgers
   * and small tables do between two maintains. Reading over that list costs no Spark job to
   * reconstruct the table's state and none to filter its files by their statistics: what a Delta
   * read runs first, even for a table of one file. Empty when there is no checksum, it lists no
   * files, or it names a file by an absolute path (a table copied elsewhere keeps its relative
   * paths; an absolute one could name another table's file).
   */
  static Optional<Seq<AddFile>> inChecksum(Snapshot snapshot) {
    if (snapshot.checksumOpt().isEmpty() || snapshot.checksumOpt().get().allFiles().isEmpty()) {
      return Optional.empty();
    }
    Seq<AddFile> files = snapshot.checksumOpt().get().allFiles().get();
    for (AddFile f : JavaConverters.seqAsJavaList(files)) {
      if (!relative(f.path())) {
        return Optional.empty();
      }
    }
    return Optional.of(files);
  }

  private static boolean relative(String path) {
    try {
      return !path.startsWith("/") && !new URI(path).isAbsolute();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * The rows of {@code businessUnits} read from the listed files, as a session of {@code on}'s
   * context: present when the table was listed for these business units at {@code latest}'s version.
   */
  Optional<Dataset<Row>> rows(SparkSession on, String path, Snapshot latest, List<String> businessUnits) {
    Listing l = byPath.get(path);
    if (l == null || latest == null || l.snapshot().version() != latest.version()
        || !l.snapshot().metadata().id().equals(latest.metadata().id()) || !l.businessUnits().equals(businessUnits)) {
      return Optional.empty();
    }
    return Optional.of(read(on, path, l.snapshot(), l.files()));
  }

  /** The rows of {@code files} of {@code snapshot}, as a query of session {@code on}: no listing, no Spark job until it runs. */
  static Dataset<Row> read(SparkSession on, String path, Snapshot snapshot, Seq<AddFile> files) {
    // Delta builds the relation on the thread's active session: the one the query is to run on.
    scala.Option<SparkSession> before = SparkSession.getActiveSession();
    SparkSession.setActiveSession(on);
    try {
      return DeltaLog.forTable(on, path).createDataFrame(snapshot, files, false, scala.Option.apply("batch"));
    } finally {
      if (before.isDefined()) {
        SparkSession.setActiveSession(before.get());
      } else {
        SparkSession.clearActiveSession();
      }
    }
  }
}
