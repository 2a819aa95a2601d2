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
import io.trailwatch.ingest.EventSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
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
  public static final StructType CONTEXT = EventSchema.concat(EventSchema.BEHAVIOR, new StructType()
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
      .add("event_ids", STRINGS, true)
      .add("calls", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, true), true));

  /** The context columns of {@link #CONTEXT}: bounded lists, for alerts only. */
  public static final List<String> CONTEXT_LISTS = List.of("source_ips", "user_agents", "regions", "error_codes",
      "event_ids", "calls");

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
   * Behaviours with counts, first/last time and the context an analyst pivots on, computed inside
   * the read's tasks ({@link AccountBehaviors}): redelivered events are dropped there, only
   * behaviour rows leave a task, no event is shuffled. ({@code SqlOracle} in the tests computes
   * the same with Spark SQL over every event, and a test checks that they agree.)
   */
  public static Dataset<Row> withContext(CloudTrailReader.Read read, int maxValues, int sampleEventIds) {
    return withContext(read, maxValues, sampleEventIds, DimensionValues.none());
  }

  /** {@link #withContext(CloudTrailReader.Read, int, int)} with the values of other dimensions as behaviours too. */
  public static Dataset<Row> withContext(CloudTrailReader.Read read, int maxValues, int sampleEventIds,
      DimensionValues dimensions) {
    return read.spark().createDataFrame(read.perAccount(AccountBehaviors.factory(maxValues, sampleEventIds,
        dimensions)), CONTEXT);
  }

  /**
   * {@link #withContext(CloudTrailReader.Read, int, int, DimensionValues)}'s rows, collected to the
   * driver straight from the read's tasks (an hour's behaviours: thousands): no Spark SQL plan, and
   * no conversion of every row to Spark's internal form and back, which cost a run about half a
   * second under C1 (docs/performance.md).
   */
  public static List<Row> collected(CloudTrailReader.Read read, int maxValues, int sampleEventIds,
      DimensionValues dimensions) {
    List<Row> values = read.perAccount(AccountBehaviors.factory(maxValues, sampleEventIds, dimensions)).collect();
    List<Row> out = new ArrayList<>(values.size());
    for (Row r : values) {
      Object[] v = new Object[r.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.get(i);
      }
      out.add(new GenericRowWithSchema(v, CONTEXT));
    }
    return out;
  }

  /** {@link #withContext(CloudTrailReader.Read, int, int)} without the context: what building a baseline needs. */
  public static Dataset<Row> counted(CloudTrailReader.Read read) {
    return counted(read, DimensionValues.none());
  }

  /** {@link #counted(CloudTrailReader.Read)} with the values of other dimensions. */
  public static Dataset<Row> counted(CloudTrailReader.Read read, DimensionValues dimensions) {
    return withContext(read, 0, 0, dimensions).select(col("business_unit"), col("account_id"), col("principal"),
        col("identity_type"), col("event_source"), col("event_name"), col("events"), col("failed_events"),
        col("first_time"), col("last_time"), col("first_ok_time"), col("last_ok_time"));
  }

  /** One row per principal with its first and last event time (failed calls included: the principal exists). */
  public static Dataset<Row> principals(Dataset<Row> behaviors) {
    return behaviors.groupBy(col("business_unit"), col("account_id"), col("principal"))
        .agg(max("identity_type").as("identity_type"), min("first_time").as("first_time"),
            max("last_time").as("last_time"));
  }
}
