package io.trailwatch.state;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.VersionChecksum;

/**
 * The size of one Delta table as its readers see it: the data files of its current snapshot
 * (or of some business units' partitions), their bytes, how many carry deletion vectors, and
 * how many files its {@code _delta_log} holds (every reader lists it).
 *
 * @param version the table's current version
 * @param files data files in the snapshot
 * @param bytes their total size
 * @param withDeletionVectors files of which some rows are marked deleted
 * @param logFiles files in {@code _delta_log} (commits, checksums, checkpoints), whatever the scope
 */
public record TableStats(long version, long files, long bytes, long withDeletionVectors, long logFiles) {

  /** Of the whole table ({@code businessUnits} null or empty) or of some business units' partitions. */
  public static TableStats of(SparkSession spark, String path, List<String> businessUnits) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    Snapshot snapshot = log.update(false, scala.Option.empty(), scala.Option.empty());
    if (holdsNoFile(snapshot)) {
      // Nothing to count, and no Spark job to count it.
      return new TableStats(snapshot.version(), 0, 0, 0, logFiles(spark, log.logPath()));
    }
    boolean wholeTable = businessUnits == null || businessUnits.isEmpty()
        || snapshot.metadata().partitionColumns().isEmpty();
    if (wholeTable && snapshot.checksumOpt().isDefined()
        && snapshot.checksumOpt().get().numDeletionVectorsOpt().isDefined()) {
      // The checksum Delta writes with each commit holds the whole table's counts: no Spark job.
      VersionChecksum c = snapshot.checksumOpt().get();
      return new TableStats(snapshot.version(), c.numFiles(), c.tableSizeBytes(),
          (Long) c.numDeletionVectorsOpt().get(), logFiles(spark, log.logPath()));
    }
    return counted(snapshot, businessUnits).withLogFiles(logFiles(spark, log.logPath()));
  }

  /** The snapshot's files counted by a Spark job over its actions (what the checksum says, for a whole table). */
  static TableStats counted(Snapshot snapshot, List<String> businessUnits) {
    Row r = files(snapshot, businessUnits)
        .agg(count(lit(1)), coalesce(sum("size"), lit(0L)), count(when(col("deletionVector").isNotNull(), 1)))
        .first();
    return new TableStats(snapshot.version(), r.getLong(0), r.getLong(1), r.getLong(2), 0);
  }

  /**
   * These counts as of now when the table is still at {@link #version} (no commit since: the same
   * files), with its log's files counted again (a checkpoint adds one without a commit); empty when
   * the table has moved on.
   */
  public static java.util.Optional<TableStats> unchangedSince(TableStats before, SparkSession spark, String path) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    Snapshot snapshot = log.update(false, scala.Option.empty(), scala.Option.empty());
    return snapshot.version() == before.version()
        ? java.util.Optional.of(before.withLogFiles(logFiles(spark, log.logPath()))) : java.util.Optional.empty();
  }

  TableStats withLogFiles(long n) {
    return new TableStats(version, files, bytes, withDeletionVectors, n);
  }

  /**
   * Whether the snapshot holds no data file, as the checksum Delta writes with each commit says
   * (read without a Spark job); false when the version has no checksum.
   */
  static boolean holdsNoFile(Snapshot snapshot) {
    return snapshot.checksumOpt().isDefined() && snapshot.checksumOpt().get().numFiles() == 0;
  }

  /** The snapshot's data files (Delta's AddFile rows), of some business units' partitions when named. */
  static Dataset<Row> files(Snapshot snapshot, List<String> businessUnits) {
    Dataset<Row> files = snapshot.allFiles().toDF();
    if (businessUnits != null && !businessUnits.isEmpty() && !snapshot.metadata().partitionColumns().isEmpty()) {
      files = files.where(col("partitionValues").getItem("business_unit")
          .isin((Object[]) businessUnits.toArray(new String[0])));
    }
    return files;
  }

  private static long logFiles(SparkSession spark, Path logPath) {
    try {
      FileSystem fs = logPath.getFileSystem(spark.sessionState().newHadoopConf());
      long n = 0;
      for (FileStatus s : fs.listStatus(logPath)) {
        n += s.isFile() ? 1 : 0;
      }
      return n;
    } catch (IOException e) {
      throw StateFailures.classify("the log of " + logPath.getParent(), e).orElseThrow();
    }
  }
}
