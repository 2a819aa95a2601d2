package io.trailwatch.state;

import io.trailwatch.core.ErrorCode;

import io.delta.tables.DeltaTable;
import io.trailwatch.core.TrailwatchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Delta tables under one root, as a registry: it creates and checks them (columns this
 * version added are added), checks the store answers, and hands out one class per table
 * ({@link BaselineTable}, {@link PrincipalsTable}, {@link AlertsTable}, {@link RunsTable},
 * {@link QuarantineTable}, {@link IngestedFilesTable}, {@link DeliveriesTable},
 * {@link ExpiredBehaviorsTable}), each of which
 * builds and reads its rows by column name. Every write of every table passes the store's
 * {@link CommitFence} immediately before it commits.
 *
 * <p>In a job, the root is one business unit's folder of the state ({@link StateLayout#of}), which
 * no job of another BU writes. The tables keep their {@code business_unit} column and
 * partitioning, and every query and MERGE still names its business units, so a store holding
 * several BUs (tests, a scratch state) works the same.
 */
public final class StateStore {
  private final SparkSession spark;
  private final String root;
  private final java.time.Clock clock;
  private volatile CommitFence fence = CommitFence.NONE;
  private final PinnedFiles pins = new PinnedFiles();

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

  /** The check every write of this state's tables passes immediately before it commits ({@link CommitFence}). */
  public StateStore fence(CommitFence f) {
    this.fence = f;
    return this;
  }

  /** Called immediately before every Delta commit to {@code table} (a name of {@link Tables}). */
  public void beforeCommit(String table) {
    fence.check(table);
  }

  /** A table as its class uses it; its writes pass this store's fence as it is when they commit. */
  private TableHandle handle(String table) {
    return new TableHandle(spark, table, path(table), this::beforeCommit, clock, pins);
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
      // The log's latest version (one listing of it): its schema is checked without planning a read.
      org.apache.spark.sql.delta.Snapshot latest = org.apache.spark.sql.delta.DeltaLog.forTable(spark, path(table))
          .update(false, scala.Option.empty(), scala.Option.empty());
      if (latest.version() >= 0) {
        checkSchema(table, latest.schema(), schema);
        return;
      }
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("Delta table " + path(table), e);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        var b = DeltaTable.createIfNotExists(creating(spark)).location(path(table)).addColumns(schema);
        if (!def.partitionedBy().isEmpty()) {
          b = b.partitionedBy(def.partitionedBy().toArray(new String[0]));
        }
        for (Map.Entry<String, String> p : new java.util.TreeMap<>(def.properties()).entrySet()) {
          b = b.property(p.getKey(), p.getValue());
        }
        beforeCommit(table);
        b.execute();
        return;
      } catch (Exception e) { // Delta's AnalysisException is a checked exception that Scala throws unchecked
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

  /**
   * The session that creates a table: {@code spark}'s context, without Delta's list of files in the
   * checksum of the commit. That list, which reads of a small table plan over
   * ({@link PinnedFiles#inChecksum}), Delta 3.3 builds for a new table by a Spark query over the
   * empty table's files (about 0.1 s of CPU per table; a state has ten, the demo thirty); without
   * it, the checksum of an empty table lists no file all the same, and each later commit extends
   * the list.
   */
  private static SparkSession creating(SparkSession spark) {
    return DerivedSessions.of(spark, Map.of("spark.databricks.delta.allFilesInCrc.enabled", "false"));
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

  private void checkSchema(String table, StructType actual, StructType expected) {
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
      beforeCommit(table);
      spark.sql("ALTER TABLE delta.`" + path(table) + "` ADD COLUMNS (" + f.name() + " " + f.dataType().sql() + ")");
    }
    if (!nestedAdded.isEmpty()) {
      beforeCommit(table);
      spark.sql("ALTER TABLE delta.`" + path(table) + "` ADD COLUMNS (" + String.join(", ", nestedAdded) + ")");
    }
  }

  /**
   * Every row of a table, for tests and analysts' reads. The run's own reads and writes go through
   * the table classes ({@link #baseline()}, {@link #runs()}...), which own their columns.
   */
  public Dataset<Row> table(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /**
   * Loads a table's current snapshot and lists the files of some business units: done while logs
   * are read, it takes that time off the queries that follow, and the reads of the table's rows by
   * keys plan over that list while the table has not changed ({@link PinnedFiles}).
   */
  public void prepare(String table, List<String> businessUnits) {
    handle(table).pin(businessUnits);
  }

  /**
   * Computes the counts of a table's current snapshot (files, bytes: a Spark job over its log), which
   * a MERGE into the table reads first: done while logs are read, it takes that time off the MERGE.
   */
  public void prepareMerge(String table) {
    handle(table).count();
  }

  /** The baseline table: its comparison, MERGE and last_seen pruning. */
  public BaselineTable baseline() {
    return new BaselineTable(handle(Tables.BASELINE));
  }

  /** The delivery ledger: what became of each alert at each sink. */
  public DeliveriesTable deliveries() {
    return new DeliveriesTable(handle(Tables.DELIVERIES), alerts());
  }

  /** The principals table (first and last seen per principal: the learning period). */
  public PrincipalsTable principals() {
    return new PrincipalsTable(handle(Tables.PRINCIPALS));
  }

  /** The alerts table. */
  public AlertsTable alerts() {
    return new AlertsTable(handle(Tables.ALERTS));
  }

  /** The run ledger. */
  public RunsTable runs() {
    return new RunsTable(handle(Tables.RUNS));
  }

  /** The quarantine of rejected input. */
  public QuarantineTable quarantine() {
    return new QuarantineTable(handle(Tables.QUARANTINE));
  }

  /** The analysts' verdicts on alerts. */
  public VerdictsTable verdicts() {
    return new VerdictsTable(handle(Tables.VERDICTS));
  }

  /** The coverage ledger: what each account-region delivered per hour ({@link CoverageTable}). */
  public CoverageTable coverage() {
    return new CoverageTable(handle(Tables.COVERAGE));
  }

  /** The memory of expired behaviours (returning behaviour). */
  public ExpiredBehaviorsTable expiredBehaviors() {
    return new ExpiredBehaviorsTable(handle(Tables.EXPIRED_BEHAVIORS));
  }

  /** The ledger of files read. */
  public IngestedFilesTable ingestedFiles() {
    return new IngestedFilesTable(handle(Tables.INGESTED_FILES));
  }
}
