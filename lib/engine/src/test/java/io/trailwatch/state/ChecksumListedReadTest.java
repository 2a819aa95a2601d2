package io.trailwatch.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.OwnJobs;
import io.trailwatch.testing.SparkTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table of a few files (a ledger, a small BU's principals) is read over the file list its latest
 * checksum holds: one Spark job, the scan, where a Delta read first reconstructs the table's state
 * and filters its files by their statistics. The rows are those a Delta read gives, after every
 * commit, with deletion vectors, in a copy of the table, and when the checksum lists no files.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ChecksumListedReadTest extends SparkTest {
  @TempDir Path dir;

  @Test
  void aSmallTableIsReadOverItsChecksumsFileListAndGivesWhatADeltaReadGives() throws Exception {
    String path = dir.resolve("t").toUri().toString();
    write(spark, path, 0, 6, "overwrite");
    write(spark, path, 6, 9, "append");
    // A delete marks rows in their files (deletion vectors), which the listed read must honour.
    spark.sql("DELETE FROM delta.`" + path + "` WHERE id = 4 OR id = 7");
    TableHandle table = handle(path);

    OwnJobs jobs = OwnJobs.start(spark);
    List<Long> payments = ids(table.current(List.of("payments")));
    assertEquals(1, jobs.stop().size(), "one Spark job: the scan of the listed files");
    assertEquals(List.of(0L, 2L, 6L, 8L), payments);
    assertEquals(List.of(0L, 1L, 2L, 3L, 5L, 6L, 8L), ids(table.current()));

    // A commit since: read as the table is now.
    write(spark, path, 9, 12, "append");
    assertEquals(List.of(0L, 2L, 6L, 8L, 10L), ids(table.current(List.of("payments"))));

    // A copy of the state elsewhere reads its own files, not the original's (gone).
    Path copy = dir.resolve("copy");
    copyTree(dir.resolve("t"), copy);
    deleteTree(dir.resolve("t"));
    assertEquals(List.of(0L, 2L, 6L, 8L, 10L), ids(handle(copy.toUri().toString()).current(List.of("payments"))));

    // More files than the checksum lists (here more than 2; Delta's default is 50): read as Delta reads it.
    String copyPath = copy.toUri().toString();
    SparkSession unlisted = spark.newSession();
    unlisted.conf().set("spark.databricks.delta.allFilesInCrc.thresholdNumFiles", "2");
    write(unlisted, copyPath, 12, 15, "append");
    jobs = OwnJobs.start(spark);
    List<Long> read = ids(handle(copyPath).current(List.of("payments")));
    assertTrue(jobs.stop().size() > 1, "no file list in the checksum: Delta lists the files first");
    assertEquals(List.of(0L, 2L, 6L, 8L, 10L, 12L, 14L), read);
    assertEquals(read, ids(spark.read().format("delta").load(copyPath).where("business_unit = 'payments'")));
  }

  @Test
  void aNewStatesTablesAreCreatedWithNoSparkJobAndListTheirFilesInTheirChecksums() throws Exception {
    StateStore state = new StateStore(spark, dir.resolve("state").toUri().toString());
    OwnJobs jobs = OwnJobs.start(spark);
    state.ensureTables();
    assertEquals(List.of(), jobs.stop(), "creating the tables runs no Spark job");
    for (String table : Tables.ALL) {
      assertEquals(0, listed(state.path(table)), table + ": its checksum lists its (no) files");
    }
    // A first append, by the run's session: the checksum lists its file (the list extended, no query to build it).
    spark.createDataFrame(List.of(oneRow(Tables.schema(Tables.ALERTS))), Tables.schema(Tables.ALERTS)).coalesce(1)
        .write().format("delta").mode("append").save(state.path(Tables.ALERTS));
    assertEquals(1, listed(state.path(Tables.ALERTS)), "the first append's file is listed");
  }

  /** A row of {@code schema} with a plain value in every column. */
  private static Row oneRow(org.apache.spark.sql.types.StructType schema) {
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      org.apache.spark.sql.types.DataType t = schema.fields()[i].dataType();
      values[i] = t instanceof org.apache.spark.sql.types.ArrayType ? List.of()
          : t instanceof org.apache.spark.sql.types.TimestampType ? java.sql.Timestamp.from(java.time.Instant.EPOCH)
          : t instanceof org.apache.spark.sql.types.BooleanType ? false
          : t instanceof org.apache.spark.sql.types.LongType ? 0L
          : t instanceof org.apache.spark.sql.types.IntegerType ? 0 : "x";
    }
    return org.apache.spark.sql.RowFactory.create(values);
  }

  /** How many files the latest checksum of the table at {@code path} lists; -1 when it lists none. */
  private int listed(String path) {
    var snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, path)
        .update(false, scala.Option.empty(), scala.Option.empty());
    return PinnedFiles.inChecksum(snapshot).map(scala.collection.Seq::size).orElse(-1);
  }

  private TableHandle handle(String path) {
    return new TableHandle(spark, Tables.ALERTS, path, CommitFence.NONE, Clock.systemUTC(), new PinnedFiles());
  }

  /** Rows {@code from} to {@code to} (exclusive), even ids in payments, odd ones in platform, one file per BU. */
  private static void write(SparkSession on, String path, long from, long to, String mode) {
    on.createDataset(LongStream.range(from, to).boxed().toList(), Encoders.LONG()).toDF("id")
        .selectExpr("id", "IF(id % 2 = 0, 'payments', 'platform') AS business_unit").write().format("delta")
        .partitionBy("business_unit").option("delta.enableDeletionVectors", "true").mode(mode).save(path);
  }

  private static List<Long> ids(Dataset<Row> rows) {
    return rows.select("id").as(Encoders.LONG()).collectAsList().stream().sorted().toList();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
