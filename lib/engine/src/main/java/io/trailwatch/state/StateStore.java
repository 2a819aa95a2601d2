package io.trailwatch.state;

import io.trailwatch.core.ErrorCode;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.trailwatch.alerting.Alert;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.QuarantineEntry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Delta tables under one root: in a job, one business unit's folder of the state
 * ({@link StateLayout#of}), which no job of another BU writes. The tables keep their
 * {@code business_unit} column and partitioning, and every query and MERGE still names its
 * business units, so a store holding several BUs (tests, a scratch state) works the same.
 */
public final class StateStore {
  private final SparkSession spark;
  private final String root;
  private final java.time.Clock clock;

  public StateStore(SparkSession spark, String root) {
    this(spark, root, java.time.Clock.systemUTC());
  }

  /** With the clock that stamps rows ({@code created_at}, {@code read_at}, {@code quarantined_at}). */
  public StateStore(SparkSession spark, String root, java.time.Clock clock) {
    this.clock = clock;
    this.spark = spark;
    // Hadoop's form (file:/tmp/x, s3a://bucket/x): Delta compares table paths textually.
    this.root = new org.apache.hadoop.fs.Path(root).toString();
  }

  public String path(String table) {
    return root + "/" + table;
  }

  /** Creates the tables that do not exist yet. Safe to call from jobs running at the same time. */
  public void ensureTables() {
    Tables.ALL.forEach(this::ensureTable);
  }

  /** Creates one table ({@link Tables#ALL}) if it does not exist, or checks its columns if it does. */
  public void ensureTable(String table) {
    create(Tables.definition(table));
  }

  private void create(TableDef def) {
    String table = def.name();
    StructType schema = def.schema();
    try {
      if (DeltaTable.isDeltaTable(spark, path(table))) {
        checkSchema(table, schema);
        return;
      }
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("Delta table " + path(table), e);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        var b = DeltaTable.createIfNotExists(spark).location(path(table)).addColumns(schema);
        if (!def.partitionedBy().isEmpty()) {
          b = b.partitionedBy(def.partitionedBy().toArray(new String[0]));
        }
        for (Map.Entry<String, String> p : new java.util.TreeMap<>(def.properties()).entrySet()) {
          b = b.property(p.getKey(), p.getValue());
        }
        b.execute();
        return;
      } catch (RuntimeException e) {
        // Two jobs creating the same table: one wins, the other sees it on the next try. Nothing
        // else is worth a retry: a store that is down, missing or denied says so at once.
        if (attempt >= 3 || !StateFailures.isConflict(e)) {
          throw StateFailures.classify("Delta table " + path(table), e).orElseGet(() -> TrailwatchException.wrap(
              ErrorCode.STATE_NOT_WRITABLE, e, "Cannot create Delta table %s: %s", path(table), e.getMessage()));
        }
        pause(attempt);
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(200L * attempt + java.util.concurrent.ThreadLocalRandom.current().nextLong(200));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw TrailwatchException.wrap(ErrorCode.INTERRUPTED, ie, "Interrupted while creating the state's tables");
    }
  }

  /**
   * Runs {@code work} against this state: the store is checked first ({@link #check}), and any
   * failure of the store on the way (Delta, S3, the network) becomes an external error naming the
   * state root; anything else is left as it is (a bug).
   */
  public <T> T guarded(java.util.function.Supplier<T> work) {
    try {
      check();
      return work.get();
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("the state at " + root, e);
    }
  }

  /** The state root as Hadoop names it ({@code file:/...}, {@code s3a://bucket/prefix}). */
  public String root() {
    return root;
  }

  /**
   * Checks at the start of a run that the state's store answers: the root exists (it is created
   * when missing) and can be listed. A store that is down, a bucket that does not exist or one
   * that denies access fails here, at once, with an external error naming the root.
   */
  public void check() {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root);
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(p)) {
        fs.mkdirs(p);
      }
      fs.listStatus(p);
    } catch (java.io.IOException | RuntimeException e) {
      throw StateFailures.classify("the state at " + root, e).orElseGet(() -> TrailwatchException.wrap(
          ErrorCode.STATE_IO_FAILED, e, "Cannot use the state at %s: %s", root, StateFailures.summary(e)));
    }
  }

  /**
   * Fails with a clear error when a table under the state root lacks a column this version
   * writes or reads, or has it with another type: a state root made by another version of
   * trailwatch, or a table changed by hand. Extra columns are fine.
   */
  /**
   * The nullable fields this version added inside a struct column or an array of structs
   * ({@code alerts.new_behaviors}), as ALTER TABLE column specs ({@code new_behaviors.element.dimension
   * STRING}); null when the column differs in any other way.
   */
  static List<String> addedNested(String path, org.apache.spark.sql.types.DataType actual,
      org.apache.spark.sql.types.DataType expected) {
    if (actual instanceof org.apache.spark.sql.types.ArrayType a
        && expected instanceof org.apache.spark.sql.types.ArrayType e) {
      return addedNested(path + ".element", a.elementType(), e.elementType());
    }
    if (!(actual instanceof StructType a) || !(expected instanceof StructType e)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (StructField f : e.fields()) {
      var found = Arrays.stream(a.fields()).filter(x -> x.name().equals(f.name())).findFirst();
      if (found.isEmpty()) {
        if (!f.nullable()) {
          return null;
        }
        out.add(path + "." + f.name() + " " + f.dataType().sql());
      } else if (!found.get().dataType().sameType(f.dataType())) {
        List<String> deeper = addedNested(path + "." + f.name(), found.get().dataType(), f.dataType());
        if (deeper == null) {
          return null;
        }
        out.addAll(deeper);
      }
    }
    return out;
  }

  private void checkSchema(String table, StructType expected) {
    StructType actual = table(table).schema();
    List<String> wrong = new ArrayList<>();
    List<StructField> added = new ArrayList<>();
    List<String> nestedAdded = new ArrayList<>();
    for (StructField f : expected.fields()) {
      var found = Arrays.stream(actual.fields()).filter(a -> a.name().equals(f.name())).findFirst();
      if (found.isEmpty() && f.nullable()) {
        // A column this version added, that older rows may lack: added to the table, null in them.
        added.add(f);
      } else if (found.isEmpty()) {
        wrong.add(f.name() + " (missing)");
      } else if (!found.get().dataType().sameType(f.dataType())) {
        List<String> nested = addedNested(f.name(), found.get().dataType(), f.dataType());
        if (nested == null) {
          wrong.add(f.name() + " (" + found.get().dataType().simpleString() + ", expected "
              + f.dataType().simpleString() + ")");
        } else {
          nestedAdded.addAll(nested);
        }
      }
    }
    if (!wrong.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.STATE_SCHEMA_MISMATCH, "Delta table %s does not have the columns this"
          + " version of trailwatch needs: %s. It was made by another version or changed by hand; point --state at"
          + " a new folder, or add the columns as sql/ddl.sql declares them", path(table), String.join(", ", wrong));
    }
    for (StructField f : added) {
      spark.sql("ALTER TABLE delta.`" + path(table) + "` ADD COLUMNS (" + f.name() + " " + f.dataType().sql() + ")");
    }
    if (!nestedAdded.isEmpty()) {
      spark.sql("ALTER TABLE delta.`" + path(table) + "` ADD COLUMNS (" + String.join(", ", nestedAdded) + ")");
    }
  }

  public Dataset<Row> table(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /**
   * Loads a table's current snapshot and lists the files of some business units, as the first
   * query would: done while logs are read, it takes that time off the queries that follow.
   */
  public void prepare(String table, List<String> businessUnits) {
    of(table, businessUnits).queryExecution().executedPlan();
  }

  /** The rows of some business units: a partition filter, so other BUs' files are not read. */
  public Dataset<Row> of(String table, List<String> businessUnits) {
    return table(table).filter(col("business_unit").isin((Object[]) businessUnits.toArray(new String[0])));
  }

  /** Business units in a MERGE condition. Names are checked plain ({@code Accounts}) before they get here. */
  static String inList(String alias, List<String> businessUnits) {
    return alias + ".business_unit IN (" + businessUnits.stream().map(b -> "'" + b.replace("'", "''") + "'")
        .collect(Collectors.joining(", ")) + ")";
  }

  /** The baseline table: its comparison, MERGE and last_seen pruning. */
  public BaselineTable baseline() {
    return new BaselineTable(spark, path(Tables.BASELINE));
  }

  /** The business units that have alerts in this state (for {@code deliver} without --bu). */
  public List<String> businessUnitsWithAlerts() {
    try {
      return table(Tables.ALERTS).select("business_unit").distinct().collectAsList().stream()
          .map(r -> r.<String>getAs("business_unit")).sorted().toList();
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("Delta table " + path(Tables.ALERTS), e);
    }
  }

  /** The delivery ledger: what became of each alert at each sink. */
  public DeliveriesTable deliveries() {
    return new DeliveriesTable(spark, this);
  }

  /** The principals table (first and last seen per principal: the learning period). */
  public PrincipalsTable principals() {
    return new PrincipalsTable(spark, path(Tables.PRINCIPALS));
  }

  /** The first time anything was seen before {@code asOf}, per business unit: how much history the state holds. */
  public Map<String, Instant> historyStart(List<String> businessUnits, Instant asOf) {
    Map<String, Instant> out = new HashMap<>();
    for (Row r : of(Tables.PRINCIPALS, businessUnits).filter(col("first_seen").lt(Timestamp.from(asOf)))
        .groupBy("business_unit")
        .agg(min("first_seen").as("first")).collectAsList()) {
      out.put(r.getAs("business_unit"), r.<Timestamp>getAs("first").toInstant());
    }
    return out;
  }

  /**
   * Appends alerts. The caller passes only alerts not recorded yet (their ids are deterministic:
   * {@link Alert#idFor}): a blind append never conflicts with another business unit's job.
   */
  public void appendAlerts(List<Alert> alerts, String runId) {
    if (alerts.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>();
    for (Alert a : alerts) {
      rows.add(AlertRows.toRow(a, runId, now));
    }
    append(Tables.ALERTS, rows, Tables.ALERTS_SCHEMA);
  }

  /** The alerts that the run of {@code detectHour} recorded (late ones included), oldest first. */
  public List<Alert> alerts(List<String> businessUnits, Instant detectHour) {
    List<Alert> out = new ArrayList<>();
    Dataset<Row> rows = of(Tables.ALERTS, businessUnits)
        .filter(col("detect_hour").equalTo(Timestamp.from(detectHour)))
        .orderBy("hour", "business_unit", "account_id", "principal");
    for (Row r : rows.collectAsList()) {
      out.add(AlertRows.fromRow(r));
    }
    return out;
  }

  /** Records rejected input once per (business unit, source, record, reason), however often a run is repeated. */
  public void recordQuarantine(List<QuarantineEntry> entries, List<String> businessUnits, String runId,
      Instant windowFrom) {
    if (entries.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(clock.instant());
    List<Row> rows = new ArrayList<>();
    for (QuarantineEntry q : entries) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("business_unit", q.businessUnit());
      v.put("account_id", q.accountId());
      v.put("source", q.source());
      v.put("record_index", q.recordIndex());
      v.put("event_id", q.eventId());
      v.put("reason", q.reason().name());
      v.put("detail", q.detail());
      v.put("run_id", runId);
      v.put("window_from", Timestamp.from(windowFrom));
      v.put("quarantined_at", now);
      rows.add(Tables.QUARANTINE_TABLE.row(v));
    }
    Dataset<Row> src = spark.createDataFrame(rows, Tables.QUARANTINE_SCHEMA)
        .dropDuplicates("business_unit", "source", "record_index", "reason");
    DeltaTable.forPath(spark, path(Tables.QUARANTINE)).as("t")
        .merge(src.as("s"), inList("t", businessUnits) + " AND t.business_unit = s.business_unit"
            + " AND t.source = s.source AND t.record_index = s.record_index AND t.reason = s.reason")
        .whenNotMatched().insertAll()
        .execute();
  }

  /**
   * Appends ledger rows: files a run read, per event hour. The caller passes only rows not in the
   * ledger yet (a rerun's files are there already; see {@code Pipeline}), so one row per (file,
   * event hour), with one job per business unit at a time.
   */
  public void appendIngested(List<IngestedFile> files, String runId) {
    if (files.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(clock.instant());
    List<Row> rows = new ArrayList<>();
    for (IngestedFile i : files) {
      LogFile f = i.file();
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("business_unit", f.businessUnit());
      v.put("account_id", f.accountId());
      v.put("uri", f.uri());
      v.put("region", f.region());
      v.put("file_time", Timestamp.from(f.fileTime()));
      v.put("size", f.size());
      v.put("event_hour", Timestamp.from(i.eventHour()));
      v.put("detect_hour", Timestamp.from(i.detectHour()));
      v.put("late", i.late());
      v.put("run_id", runId);
      v.put("read_at", now);
      rows.add(Tables.INGESTED_FILES_TABLE.row(v));
    }
    append(Tables.INGESTED_FILES, rows, Tables.INGESTED_FILES_SCHEMA);
  }

  /** The ledger rows of some business units whose event hour is in [from, to). */
  public List<IngestedFile> ingested(List<String> businessUnits, Instant from, Instant to) {
    List<IngestedFile> out = new ArrayList<>();
    for (Row r : of(Tables.INGESTED_FILES, businessUnits)
        .filter(col("event_hour").geq(Timestamp.from(from)).and(col("event_hour").lt(Timestamp.from(to))))
        .collectAsList()) {
      out.add(new IngestedFile(new LogFile(r.getAs("uri"), r.getAs("account_id"), r.getAs("business_unit"),
          r.getAs("region"), r.<Timestamp>getAs("file_time").toInstant(), r.<Long>getAs("size")),
          r.<Timestamp>getAs("event_hour").toInstant(), r.<Timestamp>getAs("detect_hour").toInstant(),
          r.<Boolean>getAs("late")));
    }
    return out;
  }

  /** The hours in [from, to) that a completed detect run covered, each with the business units it covered. */
  public Map<Instant, java.util.Set<String>> detectedHours(List<String> businessUnits, Instant from, Instant to) {
    Map<Instant, java.util.Set<String>> out = new java.util.TreeMap<>();
    for (Row r : table(Tables.RUNS)
        .filter(col("command").equalTo("detect").and(col("status").equalTo("completed"))
            .and(col("window_from").geq(Timestamp.from(from))).and(col("window_from").lt(Timestamp.from(to)))
            .and(org.apache.spark.sql.functions.arrays_overlap(col("business_units"),
                org.apache.spark.sql.functions.array(businessUnits.stream()
                    .map(org.apache.spark.sql.functions::lit).toArray(org.apache.spark.sql.Column[]::new)))))
        .select("window_from", "business_units").collectAsList()) {
      java.util.Set<String> units = out.computeIfAbsent(r.<Timestamp>getAs("window_from").toInstant(),
          h -> new java.util.TreeSet<>());
      for (Object bu : r.getList(r.fieldIndex("business_units"))) {
        if (businessUnits.contains(bu)) {
          units.add((String) bu);
        }
      }
    }
    return out;
  }

  /** A completed chunk of a baseline build, as the run ledger holds it. */
  public record BuildChunk(String runId, Instant from, Instant to, Instant finishedAt) {}

  /** The chunks of baseline build {@code build} that completed runs recorded, in the order they finished. */
  public List<BuildChunk> buildChunks(String build) {
    List<BuildChunk> out = new ArrayList<>();
    for (Row r : table(Tables.RUNS).filter(col("build").equalTo(build).and(col("status").equalTo("completed")))
        .select("run_id", "window_from", "window_to", "finished_at").collectAsList()) {
      out.add(new BuildChunk(r.getAs("run_id"), r.<Timestamp>getAs("window_from").toInstant(),
          r.<Timestamp>getAs("window_to").toInstant(), r.<Timestamp>getAs("finished_at").toInstant()));
    }
    out.sort(java.util.Comparator.comparing(BuildChunk::finishedAt).thenComparing(BuildChunk::from));
    return out;
  }

  /**
   * Appends a completed run to the run ledger (a blind append: never conflicts with another job).
   * Written last by a run: an hour counts as detected only once everything else is stored.
   */
  public void recordRun(io.trailwatch.core.RunSummary s, Instant started, String version) {
    recordRun(s, started, version, null);
  }

  /**
   * {@link #recordRun} of one chunk of a baseline build: the row names the build ({@code build}),
   * so that a rerun of the same build finds the chunks already done ({@link #buildChunks}).
   */
  public void recordRun(io.trailwatch.core.RunSummary s, Instant started, String version, String build) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("run_id", s.runId());
    v.put("command", s.command());
    v.put("business_units", s.businessUnits().toArray());
    v.put("window_from", Timestamp.from(s.windowFrom()));
    v.put("window_to", Timestamp.from(s.windowTo()));
    v.put("started_at", Timestamp.from(started));
    v.put("finished_at", Timestamp.from(clock.instant()));
    v.put("status", "completed");
    v.put("files_read", s.filesRead());
    v.put("files_quarantined", s.filesQuarantined());
    v.put("records_read", s.recordsRead());
    v.put("records_quarantined", s.recordsQuarantined());
    v.put("duplicates_dropped", s.duplicatesDropped());
    v.put("principals", s.principals());
    v.put("new_behaviors", s.newBehaviors());
    v.put("alerts", (long) s.alerts().size());
    v.put("seconds", s.seconds());
    v.put("version", version);
    v.put("accounts", s.accountsPerBusinessUnit().isEmpty() ? null
        : scala.collection.JavaConverters.mapAsScalaMap(new java.util.TreeMap<>(s.accountsPerBusinessUnit())));
    v.put("build", build);
    append(Tables.RUNS, List.of(Tables.RUNS_TABLE.row(v)), Tables.RUNS_SCHEMA);
  }

  private void append(String table, List<Row> rows, StructType schema) {
    spark.createDataFrame(rows, schema).write().format("delta").mode("append").save(path(table));
  }
}
