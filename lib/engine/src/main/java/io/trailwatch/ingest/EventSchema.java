package io.trailwatch.ingest;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of one parsed event: what detection needs of a CloudTrail record, and no more. The
 * columns that name a behaviour ({@link #BEHAVIOR}) are defined here once; the behaviours and the
 * state's tables build their schemas from them.
 */
public final class EventSchema {
  /** Who did what: business unit, account, principal (with its identity type), eventSource and eventName. */
  public static final StructType BEHAVIOR = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("principal", DataTypes.StringType, false)
      .add("identity_type", DataTypes.StringType, false)
      .add("event_source", DataTypes.StringType, false)
      .add("event_name", DataTypes.StringType, false);

  public static final StructType EVENTS = concat(BEHAVIOR, new StructType()
      .add("event_id", DataTypes.StringType, false)
      .add("event_time", DataTypes.TimestampType, false)
      .add("aws_region", DataTypes.StringType, true)
      .add("source_ip", DataTypes.StringType, true)
      .add("user_agent", DataTypes.StringType, true)
      .add("error_code", DataTypes.StringType, true)
      .add("read_only", DataTypes.BooleanType, true)
      .add("vpc_endpoint_id", DataTypes.StringType, true));

  private EventSchema() {}

  /** The columns of {@code first}, then those of {@code second}. */
  public static StructType concat(StructType first, StructType second) {
    StructType out = first;
    for (StructField f : second.fields()) {
      out = out.add(f);
    }
    return out;
  }

  /** Some columns of {@code schema}, in the order named. */
  public static StructType select(StructType schema, String... names) {
    List<StructField> fields = Arrays.stream(names).map(n -> schema.fields()[schema.fieldIndex(n)]).toList();
    return new StructType(fields.toArray(new StructField[0]));
  }
}
