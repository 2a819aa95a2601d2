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

import io.trailwatch.ingest.CloudTrailReader;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** From parsed events to behaviours: one row per (business unit, account, principal, eventSource, eventName). */
public final class Behaviors {
  /** The key of a behaviour in every table. */
  public static final String[] KEY = {"business_unit", "account_id", "principal", "event_source", "event_name"};
  /** The key of a principal. */
  public static final String[] PRINCIPAL_KEY = {"business_unit", "account_id", "principal"};
  private static final ArrayType STRINGS = DataTypes.createArrayType(DataTypes.StringType, true);

  /** The columns of {@link #withContext}: the key with identity_type, counts, times and context. */
  public static final StructType CONTEXT = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("principal", DataTypes.StringType, false)
      .add("identity_type", DataTypes.StringType, false)
      .add("event_source", DataTypes.StringType, false)
      .add("event_name", DataTypes.StringType, false)
      .add("events", DataTypes.LongType, false)
      .add("failed_events", DataTypes.LongType, true)
      .add("first_time", DataTypes.TimestampType, true)
      .add("last_time", DataTypes.TimestampType, true)
      .add("first_ok_time", DataTypes.TimestampType, true)
      .add("last_ok_time", DataTypes.TimestampType, true)
      .add("read_only", DataTypes.BooleanType, true)
      .add("source_ips", STRINGS, true)
      .add("user_agents", STRINGS, true)
      .add("regions", STRINGS, true)
      .add("error_codes", STRINGS, true)
      .add("event_ids", STRINGS, true);

  /** The context columns of {@link #CONTEXT}: bounded lists, for alerts only. */
  public static final List<String> CONTEXT_LISTS = List.of("source_ips", "user_agents", "regions", "error_codes",
      "event_ids");

  private Behaviors() {}

  /**
   * The behaviours without their context lists: what comparing with the baseline and merging into
   * it need. On collected rows (a local Dataset) Spark projects them on the driver, so the
   * comparison's tasks carry counts and times rather than every behaviour's lists.
   */
  public static Dataset<Row> withoutContext(Dataset<Row> behaviors) {
    return behaviors.drop(CONTEXT_LISTS.toArray(new String[0]));
  }

  /**
   * {@link #withContext}({@link #dropDuplicateEvents}(read.events())), computed inside the read's
   * tasks ({@link AccountBehaviors}): only behaviour rows leave a task, no event is shuffled.
   */
  public static Dataset<Row> withContext(CloudTrailReader.Read read, int maxValues, int sampleEventIds) {
    return read.spark().createDataFrame(read.perAccount(AccountBehaviors.factory(maxValues, sampleEventIds)),
        CONTEXT);
  }

  /** {@link #counted}({@link #dropDuplicateEvents}(read.events())), computed inside the read's tasks. */
  public static Dataset<Row> counted(CloudTrailReader.Read read) {
    return withContext(read, 0, 0).select(col("business_unit"), col("account_id"), col("principal"),
        col("identity_type"), col("event_source"), col("event_name"), col("events"), col("failed_events"),
        col("first_time"), col("last_time"), col("first_ok_time"), col("last_ok_time"));
  }

  /**
   * CloudTrail delivers some events twice. The key is eventID, with account, time and name so
   * that hand-made records that reuse placeholder ids are not merged into one.
   */
  public static Dataset<Row> dropDuplicateEvents(Dataset<Row> events) {
    return events.dropDuplicates("account_id", "event_id", "event_time", "event_name");
  }

  /**
   * Behaviours with counts, first/last time and the context an analyst pivots on. {@code failed_events}
   * counts calls with an errorCode: they never make a behaviour normal (see {@link #successful}).
   */
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
        .withColumn("event_ids", asArray("event_ids"));
  }

  /** Behaviours with counts and times only: what building a baseline needs. */
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

  /** The behaviours that succeeded at least once: only those enter the baseline. */
  public static Dataset<Row> successful(Dataset<Row> behaviors) {
    return behaviors.filter(col("events").gt(col("failed_events")));
  }

  /** One row per principal with its first and last event time (failed calls included: the principal exists). */
  public static Dataset<Row> principals(Dataset<Row> behaviors) {
    return behaviors.groupBy(col("business_unit"), col("account_id"), col("principal"))
        .agg(max("identity_type").as("identity_type"), min("first_time").as("first_time"),
            max("last_time").as("last_time"));
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
