package io.trailwatch.detect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udaf;
import static org.apache.spark.sql.functions.when;

import io.trailwatch.ingest.AccountReducer;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.EventSchema;
import io.trailwatch.ingest.ParsedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRow;
import org.apache.spark.sql.expressions.UserDefinedFunction;

/**
 * The reduction from events to behaviours written the plain Spark SQL way: every event a row,
 * duplicates dropped with {@code dropDuplicates}, behaviours grouped with aggregates. Slow (every
 * event is shuffled), obviously right, and the oracle that {@link AccountBehaviors} is tested
 * against.
 */
public final class SqlOracle {
  private SqlOracle() {}

  /** Every event in the read's window, duplicates included, as {@link EventSchema#EVENTS} rows. */
  public static Dataset<Row> events(CloudTrailReader.Read read) {
    AccountReducer.Factory<Row> everyEvent = () -> new AccountReducer<>() {
      private final List<Row> rows = new ArrayList<>();

      @Override
      public void event(ParsedEvent e) {
        rows.add(new GenericRow(e.values()));
      }

      @Override
      public void finish(Consumer<Row> out) {
        rows.forEach(out);
        rows.clear();
      }
    };
    return read.spark().createDataFrame(read.perAccount(everyEvent), EventSchema.EVENTS);
  }

  /**
   * CloudTrail delivers some events twice. The key is eventID, with account, time and name so
   * that hand-made records that reuse placeholder ids are not merged into one.
   */
  public static Dataset<Row> dropDuplicateEvents(Dataset<Row> events) {
    return events.dropDuplicates("account_id", "event_id", "event_time", "event_name");
  }

  /** Behaviours with counts, first/last time and context ({@link Behaviors#CONTEXT}). */
  public static Dataset<Row> withContext(Dataset<Row> events, int maxValues, int sampleEventIds) {
    UserDefinedFunction values = udaf(new SmallestDistinct(maxValues), Encoders.STRING());
    UserDefinedFunction ids = udaf(new SmallestDistinct(sampleEventIds), Encoders.STRING());
    Column[] counts = countsAndTimes();
    return events.groupBy(keyWithType())
        .agg(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
            min(when(col("read_only").isNull(), lit(false)).otherwise(col("read_only"))).as("read_only"),
            values.apply(col("source_ip")).as("source_ips"),
            values.apply(col("user_agent")).as("user_agents"),
            values.apply(col("aws_region")).as("regions"),
            values.apply(col("error_code")).as("error_codes"),
            ids.apply(col("event_id")).as("event_ids"))
        .withColumn("source_ips", asArray("source_ips"))
        .withColumn("user_agents", asArray("user_agents"))
        .withColumn("regions", asArray("regions"))
        .withColumn("error_codes", asArray("error_codes"))
        .withColumn("event_ids", asArray("event_ids"))
        // Api behaviours carry no calls of their own (only a dimension's value does).
        .withColumn("calls", lit(null).cast("map<string,bigint>"));
  }

  /** Behaviours with counts and times only. */
  public static Dataset<Row> counted(Dataset<Row> events) {
    Column[] counts = countsAndTimes();
    return events.groupBy(keyWithType()).agg(counts[0], java.util.Arrays.copyOfRange(counts, 1, counts.length));
  }

  /** events, failed_events, first/last time, and first/last time of a successful call. */
  private static Column[] countsAndTimes() {
    return new Column[] {count(lit(1)).as("events"),
        sum(when(col("error_code").isNotNull(), 1).otherwise(0)).cast("long").as("failed_events"),
        min("event_time").as("first_time"),
        max("event_time").as("last_time"),
        min(when(col("error_code").isNull(), col("event_time"))).as("first_ok_time"),
        max(when(col("error_code").isNull(), col("event_time"))).as("last_ok_time")};
  }

  private static Column[] keyWithType() {
    return new Column[] {col("business_unit"), col("account_id"), col("principal"), col("identity_type"),
        col("event_source"), col("event_name")};
  }

  private static Column asArray(String name) {
    return when(col(name).equalTo(""), org.apache.spark.sql.functions.array().cast("array<string>"))
        .otherwise(split(col(name), SmallestDistinct.SEPARATOR));
  }
}
