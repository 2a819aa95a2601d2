package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.Option;

/**
 * One table of a state as its class uses it: where it is, the fence its writes pass
 * immediately before they commit, and the clock that stamps its rows.
 *
 * @param name a table of {@link Tables#ALL}
 * @param pins the files its store listed ahead ({@link #pin}), which {@link #scanned} reads while the table has not changed
 */
record TableHandle(SparkSession spark, String name, String path, CommitFence fence, Clock clock, PinnedFiles pins) {
  /** Every row. */
  Dataset<Row> rows() {
    return rows(spark);
  }

  private Dataset<Row> rows(SparkSession on) {
    return on.read().format("delta").load(path);
  }

  /** The rows of some business units: a partition filter, so other BUs' files are not read. */
  Dataset<Row> of(List<String> businessUnits) {
    return of(spark, businessUnits);
  }

  private Dataset<Row> of(SparkSession on, List<String> businessUnits) {
    return inUnits(rows(on), businessUnits);
  }

  private static Dataset<Row> inUnits(Dataset<Row> rows, List<String> businessUnits) {
    return rows.filter(col("business_unit").isin((Object[]) businessUnits.toArray(new String[0])));
  }

  /**
   * The rows of some business units as the table holds them now, for a read that collects them at
   * once. When the table holds no data file, as its latest commit's checksum says, this is an
   * empty relation of the table's schema: the read then costs no Spark job (a Delta read plans
   * and runs a job to list the table's files, even with none to list). A run reads several tables
   * that are empty in most business units (verdicts, expired behaviours, deliveries) and, on a new
   * state, all of them. When the checksum lists the table's files (a table of a few files:
   * {@link PinnedFiles#inChecksum}), the rows are read from that list, with no Spark job before the
   * one that reads them. Not for a Dataset kept and read again after a write: that one must be
   * {@link #of}.
   */
  Dataset<Row> current(List<String> businessUnits) {
    return current(rows -> inUnits(rows, businessUnits));
  }

  /** {@code scope} of the table's rows now: none, those its checksum lists, or a read of the table. */
  private Dataset<Row> current(java.util.function.UnaryOperator<Dataset<Row>> scope) {
    Snapshot latest = latest();
    if (latest != null && TableStats.holdsNoFile(latest)) {
      return none();
    }
    return scope.apply(listed(spark, latest).orElseGet(this::rows));
  }

  /** The table's rows at {@code latest} read over the file list of its checksum, when it has one. */
  private java.util.Optional<Dataset<Row>> listed(SparkSession on, Snapshot latest) {
    return latest == null ? java.util.Optional.empty()
        : PinnedFiles.inChecksum(latest).map(files -> PinnedFiles.read(on, path, latest, files));
  }

  /**
   * Tables larger than this (bytes of data files, as the latest commit's checksum says) are scanned
   * by {@link #scanned} with generated code.
   */
  static final long COMPILED_SCAN_BYTES = 1_000_000;

  /**
   * {@link #current(List)} for a query that scans many rows to keep a few (the baseline's rows of an
   * hour's keys). A run's queries are interpreted (Sparks: generating and compiling code for each of
   * its ~15 queries, mostly on small tables, cost more than it saved), but a scan of a large table
   * runs several times faster with generated code: once the table is larger than
   * {@link #COMPILED_SCAN_BYTES}, the rows come from a session of the same SparkContext that generates
   * code. Build the query's other inputs with the returned Dataset's {@code sparkSession()}.
   */
  Dataset<Row> scanned(List<String> businessUnits) {
    Snapshot latest = latest();
    if (latest != null && TableStats.holdsNoFile(latest)) {
      return none();
    }
    SparkSession on = scanSession(latest);
    return pins.rows(on, path, latest, businessUnits)
        .or(() -> listed(on, latest).map(d -> inUnits(d, businessUnits))).orElseGet(() -> of(on, businessUnits));
  }

  /**
   * Lists the files of some business units at the table's latest version, for {@link #scanned} to
   * read while the table stays at that version (see {@link PinnedFiles}); nothing when the table
   * holds no file or its log cannot be read (the read that follows reports it).
   */
  void pin(List<String> businessUnits) {
    Snapshot latest = latest();
    if (latest != null && !TableStats.holdsNoFile(latest)) {
      pins.list(path, latest, businessUnits);
      counted(latest);
    }
  }

  /** Computes the counts of the table's latest version ({@link #counted(Snapshot)}). */
  void count() {
    Snapshot latest = latest();
    if (latest != null) {
      counted(latest);
    }
  }

  /**
   * Computes a snapshot's counts (files, bytes, deletion vectors: a Spark job over its log), which a
   * MERGE into that version reads first.
   */
  private static void counted(Snapshot snapshot) {
    snapshot.sizeInBytes();
  }

  /**
   * The session for a query that scans this table's rows (a read by keys, a MERGE): the one with
   * generated code once the table is larger than {@link #COMPILED_SCAN_BYTES}, else the run's.
   */
  SparkSession scanSession() {
    return scanSession(latest());
  }

  private SparkSession scanSession(Snapshot latest) {
    return large(latest) ? compiled(spark) : spark;
  }

  private static boolean large(Snapshot latest) {
    return latest != null && latest.checksumOpt().isDefined()
        && latest.checksumOpt().get().tableSizeBytes() > COMPILED_SCAN_BYTES;
  }

  /**
   * The session for a MERGE into this table of rows held in memory ({@link #held}): {@link
   * #scanSession()}'s settings, and Delta's copy of the source left out. Delta copies a MERGE source
   * that is not a Delta table ({@code merge.materializeSource=auto}: a Spark job that caches it)
   * in case it changes between the MERGE's two passes; rows held in memory cannot.
   */
  SparkSession mergeSession() {
    Map<String, String> settings = new java.util.HashMap<>(SOURCE_HELD);
    if (large(latest())) {
      settings.putAll(COMPILED);
    }
    return DerivedSessions.of(spark, Map.copyOf(settings));
  }

  private static final Map<String, String> SOURCE_HELD = Map.of("spark.databricks.delta.merge.materializeSource", "none");

  /**
   * Rows held in memory as a Dataset of {@code on}, in one partition: a MERGE's inserts or an append
   * of them are one task and one file per commit (two otherwise, on two cores), and the table's
   * file count, which sets how its reads plan ({@link PinnedFiles}), grows half as fast.
   */
  static Dataset<Row> held(SparkSession on, List<Row> rows, org.apache.spark.sql.types.StructType schema) {
    return on.createDataFrame(rows, schema).coalesce(1);
  }

  /** The table's latest snapshot (one listing of its log, no Spark job); null when the log cannot be read. */
  private Snapshot latest() {
    try {
      return DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty());
    } catch (RuntimeException e) {
      return null; // the read that follows reports it
    }
  }

  private static final Map<String, String> COMPILED = Map.of("spark.sql.codegen.wholeStage", "true",
      "spark.sql.codegen.factoryMode", "FALLBACK");

  /** The session of {@code spark}'s context that runs queries with whole-stage code generation (see {@link #scanned}). */
  static SparkSession compiled(SparkSession spark) {
    return DerivedSessions.of(spark, COMPILED);
  }

  /** Every row, as {@link #current(List)} reads them. */
  Dataset<Row> current() {
    return current(rows -> rows);
  }

  /** No row, in the table's schema. */
  private Dataset<Row> none() {
    return spark.createDataFrame(List.of(), Tables.schema(name));
  }

  /**
   * Whether the table's latest version holds no data file, as the checksum Delta writes with each
   * commit says (no Spark job; one listing of the log). False when that is not known: no
   * checksum, or the log could not be read (the read that follows then reports it).
   */
  boolean knownEmpty() {
    Snapshot latest = latest();
    return latest != null && TableStats.holdsNoFile(latest);
  }

  /** Passes the fence: called immediately before each commit to the table. */
  void beforeCommit() {
    fence.check(name);
  }

  /** Appends rows of the table's schema (a blind append: never conflicts with another job). */
  void append(List<Row> rows) {
    beforeCommit();
    held(spark, rows, Tables.schema(name)).write().format("delta").mode("append").save(path);
  }
}
