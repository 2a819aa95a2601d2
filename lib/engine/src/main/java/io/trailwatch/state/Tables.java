package io.trailwatch.state;

import io.trailwatch.ingest.EventSchema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The Delta tables of a business unit ({@link TableDef}, {@link StateLayout}). sql/ddl.sql holds the same in SQL. */
public final class Tables {
  public static final String BASELINE = "baseline";
  public static final String PRINCIPALS = "principals";
  public static final String ALERTS = "alerts";
  public static final String RUNS = "runs";
  public static final String QUARANTINE = "quarantine";
  public static final String INGESTED_FILES = "ingested_files";
  public static final String DELIVERIES = "deliveries";
  public static final String VERDICTS = "verdicts";
  public static final String COVERAGE = "coverage";
  public static final String EXPIRED_BEHAVIORS = "expired_behaviors";

  /** Delta does not allow NOT NULL inside arrays and structs: nested fields are nullable. */
  private static final ArrayType STRINGS = DataTypes.createArrayType(DataTypes.StringType, true);

  /** One row per (business unit, account, principal, behaviour) that succeeded at least once. */
  public static final StructType BASELINE_SCHEMA = EventSchema.concat(EventSchema.BEHAVIOR, new StructType()
      .add("first_seen", DataTypes.TimestampType, false)
      .add("last_seen", DataTypes.TimestampType, false)
      .add("expires_at", DataTypes.TimestampType, false));

  public static final StructType PRINCIPALS_SCHEMA = EventSchema.concat(
      EventSchema.select(EventSchema.BEHAVIOR, "business_unit", "account_id", "principal", "identity_type"),
      new StructType()
          .add("first_seen", DataTypes.TimestampType, false)
          .add("last_seen", DataTypes.TimestampType, false));

  public static final StructType NEW_BEHAVIOR = new StructType()
      .add("event_source", DataTypes.StringType, true)
      .add("event_name", DataTypes.StringType, true)
      .add("count", DataTypes.LongType, true)
      .add("first_time", DataTypes.TimestampType, true)
      .add("last_time", DataTypes.TimestampType, true)
      .add("failed", DataTypes.BooleanType, true)
      .add("read_only", DataTypes.BooleanType, true)
      .add("sensitivity", DataTypes.StringType, true)
      .add("known", DataTypes.BooleanType, true)
      // Added with the dimensions: an older state's alerts table gets them on first use (null in old rows).
      .add("dimension", DataTypes.StringType, true)
      .add("value", DataTypes.StringType, true)
      .add("calls", DataTypes.createArrayType(new StructType()
          .add("call", DataTypes.StringType, true)
          .add("count", DataTypes.LongType, true), true), true)
      .add("prevalence", new StructType()
          .add("account_principals", DataTypes.LongType, true)
          .add("business_unit_principals", DataTypes.LongType, true)
          .add("account_same_type", DataTypes.LongType, true)
          .add("account_type_principals", DataTypes.LongType, true), true)
      .add("severity", DataTypes.StringType, true)
      // The call's MITRE ATT&CK technique in the sensitive-actions catalogue (null in older rows and for other calls).
      .add("mitre_technique_id", DataTypes.StringType, true)
      // Returning or never seen (NewBehavior.history), and a returning behaviour's last sighting (null in older rows).
      .add("history", DataTypes.StringType, true)
      .add("last_seen", DataTypes.TimestampType, true);

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
      .add("version", DataTypes.StringType, false)
      // Accounts the run covered, per business unit (null in runs of versions before it).
      .add("accounts", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, true), true)
      // The baseline build a chunk run belongs to (null in other runs, and in runs of versions before it).
      .add("build", DataTypes.StringType, true)
      // Listed accounts that never delivered in the coverage ledger's window (detect runs; null before it).
      .add("never_delivered", STRINGS, true);

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
   * The memory of expired behaviours: a baseline row {@code maintain} expired, kept until its
   * last_seen is {@code baseline.returning-horizon-days} old, so a behaviour that comes back is
   * alerted as returning. One row per behaviour key.
   */
  public static final StructType EXPIRED_BEHAVIORS_SCHEMA = EventSchema.concat(EventSchema.BEHAVIOR, new StructType()
      .add("first_seen", DataTypes.TimestampType, false)
      .add("last_seen", DataTypes.TimestampType, false)
      .add("expired_at", DataTypes.TimestampType, false));

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

  /**
   * What became of each alert at each sink (Splunk HEC, SNS): one row per (alert, sink), refreshed
   * by every attempt. An alert without a row for a sink is pending there.
   */
  public static final StructType DELIVERIES_SCHEMA = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("alert_id", DataTypes.StringType, false)
      .add("sink", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("attempts", DataTypes.LongType, false)
      .add("last_attempt", DataTypes.TimestampType, false)
      .add("reason", DataTypes.StringType, true)
      .add("hour", DataTypes.TimestampType, false);

  /**
   * The analysts' verdicts on alerts: append-only, one row per verdict (a later one on the same
   * alert supersedes it, both stay), with what the decision needs of the alert (its principal,
   * new behaviours as baseline keys, and hour). {@code expires_at} null: never.
   */
  public static final StructType VERDICTS_SCHEMA = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("alert_id", DataTypes.StringType, false)
      .add("verdict", DataTypes.StringType, false)
      .add("scope", DataTypes.StringType, false)
      .add("expires_at", DataTypes.TimestampType, true)
      .add("decided_by", DataTypes.StringType, false)
      .add("decided_at", DataTypes.TimestampType, false)
      .add("note", DataTypes.StringType, true)
      .add("account_id", DataTypes.StringType, false)
      .add("principal", DataTypes.StringType, false)
      .add("identity_type", DataTypes.StringType, false)
      .add("behaviors", DataTypes.createArrayType(new StructType()
          .add("event_source", DataTypes.StringType, true)
          .add("event_name", DataTypes.StringType, true), true), false)
      .add("hour", DataTypes.TimestampType, false);

  /**
   * The coverage ledger: one row per (account, region, event hour) a detect run read, named by
   * that run's hour ({@code detect_hour}: late files of an hour are read by a later run, in a row
   * of their own). A rerun of the hour writes the same rows again, in their place. docs/coverage.md.
   */
  public static final StructType COVERAGE_SCHEMA = new StructType()
      .add("business_unit", DataTypes.StringType, false)
      .add("account_id", DataTypes.StringType, false)
      .add("region", DataTypes.StringType, false)
      .add("hour", DataTypes.TimestampType, false)
      .add("detect_hour", DataTypes.TimestampType, false)
      // The organisation trail's id (o-...) when its files came from one, else null.
      .add("trail", DataTypes.StringType, true)
      .add("files", DataTypes.LongType, false)
      .add("events", DataTypes.LongType, false)
      .add("bytes", DataTypes.LongType, false)
      .add("lag_p50_minutes", DataTypes.LongType, true)
      .add("lag_max_minutes", DataTypes.LongType, true)
      .add("late_events", DataTypes.LongType, false)
      .add("tamper_call", DataTypes.StringType, true)
      .add("tamper_principal", DataTypes.StringType, true)
      .add("tamper_identity_type", DataTypes.StringType, true)
      .add("tamper_time", DataTypes.TimestampType, true)
      .add("run_id", DataTypes.StringType, false)
      .add("read_at", DataTypes.TimestampType, false);

  private Tables() {}

  /**
   * Tables that jobs MERGE into: partitioned by business unit (a store holding several BUs reads
   * only the job's), and with deletion vectors (a MERGE marks the rows it changes as deleted and
   * writes only those rows again, instead of rewriting every file it touches). In a state, each
   * BU has its own copy of every table ({@link StateLayout}).
   */
  private static final String CHECKPOINTS = String.valueOf(
      io.trailwatch.config.MaintenanceConfig.DEFAULT_CHECKPOINT_INTERVAL);
  private static final java.util.Map<String, String> MERGED = java.util.Map.of("delta.enableDeletionVectors", "true",
      "delta.checkpointInterval", CHECKPOINTS);
  private static final java.util.List<String> BY_BU = java.util.List.of("business_unit");

  public static final TableDef BASELINE_TABLE = new TableDef(BASELINE, BASELINE_SCHEMA, BY_BU, MERGED);
  public static final TableDef PRINCIPALS_TABLE = new TableDef(PRINCIPALS, PRINCIPALS_SCHEMA, BY_BU, MERGED);
  public static final TableDef ALERTS_TABLE = new TableDef(ALERTS, ALERTS_SCHEMA, BY_BU, MERGED);
  /** One row per run, whatever its business units: append-only. */
  public static final TableDef RUNS_TABLE = new TableDef(RUNS, RUNS_SCHEMA, java.util.List.of(),
      java.util.Map.of("delta.checkpointInterval", CHECKPOINTS));
  public static final TableDef QUARANTINE_TABLE = new TableDef(QUARANTINE, QUARANTINE_SCHEMA, BY_BU, MERGED);
  public static final TableDef INGESTED_FILES_TABLE = new TableDef(INGESTED_FILES, INGESTED_FILES_SCHEMA, BY_BU,
      MERGED);
  public static final TableDef DELIVERIES_TABLE = new TableDef(DELIVERIES, DELIVERIES_SCHEMA, BY_BU, MERGED);
  /** Append-only, by business unit like the others. */
  public static final TableDef VERDICTS_TABLE = new TableDef(VERDICTS, VERDICTS_SCHEMA, BY_BU,
      java.util.Map.of("delta.checkpointInterval", CHECKPOINTS));
  public static final TableDef COVERAGE_TABLE = new TableDef(COVERAGE, COVERAGE_SCHEMA, BY_BU, MERGED);

  public static final TableDef EXPIRED_BEHAVIORS_TABLE = new TableDef(EXPIRED_BEHAVIORS, EXPIRED_BEHAVIORS_SCHEMA, BY_BU,
      MERGED);

  /** Every table under the state root, by name. */
  public static final java.util.List<String> ALL = java.util.List.of(BASELINE, PRINCIPALS, ALERTS, RUNS, QUARANTINE,
      INGESTED_FILES, DELIVERIES, VERDICTS, COVERAGE, EXPIRED_BEHAVIORS);

  /** The definition of a table of {@link #ALL}. */
  public static TableDef definition(String table) {
    return switch (table) {
      case BASELINE -> BASELINE_TABLE;
      case PRINCIPALS -> PRINCIPALS_TABLE;
      case ALERTS -> ALERTS_TABLE;
      case RUNS -> RUNS_TABLE;
      case QUARANTINE -> QUARANTINE_TABLE;
      case INGESTED_FILES -> INGESTED_FILES_TABLE;
      case DELIVERIES -> DELIVERIES_TABLE;
      case VERDICTS -> VERDICTS_TABLE;
      case COVERAGE -> COVERAGE_TABLE;
      case EXPIRED_BEHAVIORS -> EXPIRED_BEHAVIORS_TABLE;
      default -> throw new IllegalArgumentException("No table " + table);
    };
  }

  /** The schema of a table of {@link #ALL}. */
  public static StructType schema(String table) {
    return definition(table).schema();
  }
}
