package io.trailwatch.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.OwnJobs;
import io.trailwatch.testing.SparkTest;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table's counts ({@code maintain}'s before and after, {@code status}): a whole table's come from
 * the checksum Delta writes with each commit, with no Spark job, and are what counting its files
 * gives; a business unit's partitions are counted.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class TableStatsTest extends SparkTest {
  @TempDir Path dir;

  @Test
  void aWholeTablesCountsComeFromItsChecksumAndMatchItsFiles() throws Exception {
    String path = dir.resolve("t").toUri().toString();
    spark.range(0, 300).selectExpr("id", "IF(id % 3 = 0, 'payments', 'platform') AS business_unit").write()
        .format("delta").partitionBy("business_unit").option("delta.enableDeletionVectors", "true").save(path);
    for (int i = 0; i < 2; i++) {
      spark.range(300 * (i + 1), 300 * (i + 2)).selectExpr("id", "IF(id % 3 = 0, 'payments', 'platform') AS business_unit")
          .write().format("delta").mode("append").save(path);
    }
    spark.sql("DELETE FROM delta.`" + path + "` WHERE id % 7 = 0 AND business_unit = 'platform'");
    Snapshot snapshot = DeltaLog.forTable(spark, path).update(false, scala.Option.empty(), scala.Option.empty());

    OwnJobs jobs = OwnJobs.start(spark);
    TableStats whole = TableStats.of(spark, path, null);
    assertEquals(List.of(), jobs.stop(), "no Spark job for a whole table's counts");
    assertTrue(whole.withDeletionVectors() > 0, "the delete marked rows in files: " + whole);
    assertEquals(TableStats.counted(snapshot, List.of()).withLogFiles(whole.logFiles()), whole);

    TableStats payments = TableStats.of(spark, path, List.of("payments"));
    assertEquals(TableStats.counted(snapshot, List.of("payments")).withLogFiles(payments.logFiles()), payments);
    assertEquals(0, payments.withDeletionVectors());
    assertTrue(payments.files() < whole.files());
    assertEquals(java.util.Optional.of(whole), TableStats.unchangedSince(whole, spark, path));
  }
}
