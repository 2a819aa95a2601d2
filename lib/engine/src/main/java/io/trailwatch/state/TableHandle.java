package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;

import java.time.Clock;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
