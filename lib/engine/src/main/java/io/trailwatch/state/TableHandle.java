package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;

import java.time.Clock;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import scala.Option;

/**
 * One table of a state as its class uses it: where it is, the fence its writes pass
 * immediately before they commit, and the clock that stamps its rows.
 *
 * @param name a table of {@link Tables#ALL}
 */
record TableHandle(SparkSession spark, String name, String path, CommitFence fence, Clock clock) {
  /** Every row. */
  Dataset<Row> rows() {
    return spark.read().format("delta").load(path);
  }

  /** The rows of some business units: a partition filter, so other BUs' files are not read. */
  Dataset<Row> of(List<String> businessUnits) {
    return rows().filter(col("business_unit").isin((Object[]) businessUnits.toArray(new String[0])));
  }

  /**
   * The rows of some business units as the table holds them now, for a read that collects them at
   * once. When the table holds no data file, as its latest commit's checksum says, this is an
   * empty relation of the table's schema: the read then costs no Spark job (a Delta read plans
   * and runs a job to list the table's files, even with none to list). A run reads several tables
   * that are empty in most business units (verdicts, expired behaviours, deliveries) and, on a new
   * state, all of them. Not for a Dataset kept and read again after a write: that one must be
   * {@link #of}.
   */
  Dataset<Row> current(List<String> businessUnits) {
    return knownEmpty() ? none() : of(businessUnits);
  }

  /** Every row, as {@link #current(List)} reads them. */
  Dataset<Row> current() {
    return knownEmpty() ? none() : rows();
  }

  /** No row, in the table's schema. */
  private Dataset<Row> none() {
    return spark.createDataFrame(List.of(), Tables.schema(name));
  }

  /**
   * Whether the table's latest version holds no data file, as the checksum Delta writes with each
   * commit says (no Spark job; one listing of the log). False when that is not known: no
   * checksum, or the log could not be read (the read that follows then reports it).
   */
  boolean knownEmpty() {
    try {
      return TableStats.holdsNoFile(DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Passes the fence: called immediately before each commit to the table. */
  void beforeCommit() {
    fence.check(name);
  }

  /** Appends rows of the table's schema (a blind append: never conflicts with another job). */
  void append(List<Row> rows) {
    beforeCommit();
    spark.createDataFrame(rows, Tables.schema(name)).write().format("delta").mode("append").save(path);
  }
}
