package io.trailwatch.state;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the Delta tables under the state root. sql/ddl.sql holds the same in SQL for analysts. */
public final class Tables {
  public static final String BASELINE = "baseline";
  public static final String PRINCIPALS = "principals";
  public static final String ALERTS = "alerts";
  public static final String RUNS = "runs";
  public static final String QUARANTINE = "quarantine";
  public static final String INGESTED_FILES = "ingested_files";

  /** Delta does not allow NOT NULL inside arrays and structs: nested fields are nullable. */
  private static final ArrayType STRINGS = DataTypes.createArrayType(DataTypes.StringType, true);

  /** One row per (business unit, account, principal, behaviour) that succeeded at least once. */
  public static final StructType BASELINE_SCHEMA = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("principal", DataTypes.StringType, false)
      .add("identity_type", DataTypes.StringType, false)
      .add("event_source", DataTypes.StringType, false)
      .add("event_name", DataTypes.StringType, false)
      .add("first_seen", DataTypes.TimestampType, false)
      .add("last_seen", DataTypes.TimestampType, false)
      .add("expires_at", DataTypes.TimestampType, false);

  public static final StructType PRINCIPALS_SCHEMA = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("principal", DataTypes.StringType, false)
      .add("identity_type", DataTypes.StringType, false)
      .add("first_seen", DataTypes.TimestampType, false)
      .add("last_seen", DataTypes.TimestampType, false);

  public static final StructType NEW_BEHAVIOR = new StructType()
      .add("event_source", DataTypes.StringType, true)
      .add("event_name", DataTypes.StringType, true)
      .add("count", DataTypes.LongType, true)
      .add("first_time", DataTypes.TimestampType, true)
      .add("last_time", DataTypes.TimestampType, true)
      .add("failed", DataTypes.BooleanType, true)
      .add("read_only", DataTypes.BooleanType, true)
      .add("sensitivity", DataTypes.StringType, true)
      .add("known", DataTypes.BooleanType, true);

  public static final StructType ALERTS_SCHEMA = new StructType()
      .add("alert_id", DataTypes.StringType, false)
      .add("business_unit", DataTypes.StringType, false)
      .add("hour", DataTypes.TimestampType, false)
      .add("detect_hour", DataTypes.TimestampType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("principal", DataTypes.StringType, false)
      .add("identity_type", DataTypes.StringType, false)
      .add("severity", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, false)
      .add("late", DataTypes.BooleanType, false)
      .add("new_behaviors", DataTypes.createArrayType(NEW_BEHAVIOR, true), false)
      .add("source_ips", STRINGS, false)
      .add("user_agents", STRINGS, false)
      .add("regions", STRINGS, false)
      .add("event_ids", STRINGS, false)
      .add("run_id", DataTypes.StringType, false)
      .add("created_at", DataTypes.TimestampType, false);

  public static final StructType RUNS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("command", DataTypes.StringType, false)
      .add("business_units", STRINGS, false)
      .add("window_from", DataTypes.TimestampType, false)
      .add("window_to", DataTypes.TimestampType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, false)
      .add("status", DataTypes.StringType, false)
      .add("files_read", DataTypes.LongType, false)
      .add("files_quarantined", DataTypes.LongType, false)
      .add("records_read", DataTypes.LongType, false)
      .add("records_quarantined", DataTypes.LongType, false)
      .add("duplicates_dropped", DataTypes.LongType, false)
      .add("principals", DataTypes.LongType, false)
      .add("new_behaviors", DataTypes.LongType, false)
      .add("alerts", DataTypes.LongType, false)
      .add("seconds", DataTypes.DoubleType, false)
      .add("version", DataTypes.StringType, false);

  public static final StructType QUARANTINE_SCHEMA = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, true)
      .add("source", DataTypes.StringType, false)
      .add("record_index", DataTypes.LongType, false)
      .add("event_id", DataTypes.StringType, true)
      .add("reason", DataTypes.StringType, false)
      .add("detail", DataTypes.StringType, true)
      .add("run_id", DataTypes.StringType, false)
      .add("window_from", DataTypes.TimestampType, false)
      .add("quarantined_at", DataTypes.TimestampType, false);

  /**
   * The ledger of files read for detection: one row per (file, event hour). {@code detect_hour}
   * is the run that read it: a rerun of that hour reads exactly these rows' files again.
   */
  public static final StructType INGESTED_FILES_SCHEMA = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("uri", DataTypes.StringType, false)
      .add("region", DataTypes.StringType, false)
      .add("file_time", DataTypes.TimestampType, false)
      .add("size", DataTypes.LongType, false)
      .add("event_hour", DataTypes.TimestampType, false)
      .add("detect_hour", DataTypes.TimestampType, false)
      .add("late", DataTypes.BooleanType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("read_at", DataTypes.TimestampType, false);

  private Tables() {}

  /** Every table under the state root. */
  public static final java.util.List<String> ALL = java.util.List.of(BASELINE, PRINCIPALS, ALERTS, RUNS, QUARANTINE,
      INGESTED_FILES);

  /** The schema of a table of {@link #ALL}. */
  public static StructType schema(String table) {
    return switch (table) {
      case BASELINE -> BASELINE_SCHEMA;
      case PRINCIPALS -> PRINCIPALS_SCHEMA;
      case ALERTS -> ALERTS_SCHEMA;
      case RUNS -> RUNS_SCHEMA;
      case QUARANTINE -> QUARANTINE_SCHEMA;
      case INGESTED_FILES -> INGESTED_FILES_SCHEMA;
      default -> throw new IllegalArgumentException("No table " + table);
    };
  }
}
