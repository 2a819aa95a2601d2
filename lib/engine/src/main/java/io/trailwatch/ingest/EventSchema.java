package io.trailwatch.ingest;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The columns of one parsed event: what detection needs of a CloudTrail record, and no more. */
public final class EventSchema {
  public static final StructType EVENTS = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("principal", DataTypes.StringType, false)
      .add("identity_type", DataTypes.StringType, false)
      .add("event_source", DataTypes.StringType, false)
      .add("event_name", DataTypes.StringType, false)
      .add("event_id", DataTypes.StringType, false)
      .add("event_time", DataTypes.TimestampType, false)
      .add("aws_region", DataTypes.StringType, true)
      .add("source_ip", DataTypes.StringType, true)
      .add("user_agent", DataTypes.StringType, true)
      .add("error_code", DataTypes.StringType, true)
      .add("read_only", DataTypes.BooleanType, true);

  private EventSchema() {}
}
