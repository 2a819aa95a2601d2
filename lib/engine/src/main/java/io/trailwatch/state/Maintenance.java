package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.trailwatch.config.MaintenanceConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.LastCheckpointInfo;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.actions.DeletionVectorDescriptor;
import org.apache.spark.sql.delta.actions.SingleAction;

/**
 * Keeps the state's tables cheap to read as hourly runs add to them, and forgets what can no
 * longer matter. For each table, one step after the other, each its own Delta transaction (a run
 * that dies between two steps leaves every table readable, and the next run does what is left):
 *
 * <ol>
 *   <li>{@link Step#PROPERTIES}: checkpoint interval, log retention and deleted-file retention as
 *       configured (a metadata commit, only when one differs);
 *   <li>{@link Step#EXPIRE} (baseline): moves rows that expired more than the grace period before
 *       the business unit's last completed run to the memory of expired behaviours, then deletes
 *       them. Detection treats an expired row as absent ({@code BaselineRule.known}) and the MERGE
 *       restarts it as if new, so no hour from then on can tell the difference, except that its
 *       alert says the behaviour is returning, from either table. (expired_behaviors): forgets
 *       behaviours last seen more than {@code baseline.returning-horizon-days} before that run;
 *   <li>{@link Step#COMPACT}: OPTIMIZE of the business units' partitions; the baseline rewritten in
 *       last_seen order (files of {@code baseline-file-mb}, each of its own range, sorted inside in
 *       row groups of about 1 MB), which the hourly MERGE's pruning of files and row groups needs
 *       ({@link BaselineTable#lastSeenRanges}), and only when a partition has small files or
 *       deletion vectors to fold in;
 *   <li>{@link Step#VACUUM}: deletes files that left the table at least the retention ago;
 *   <li>{@link Step#CHECKPOINT}: a checkpoint of the last version, so that the next run's snapshot
 *       starts from it (this also removes log files older than the log retention).
 * </ol>
 *
 * Every write names the business units' partitions, so it commits beside hourly jobs of other
 * business units; VACUUM and the checkpoint are table-wide but delete only what no snapshot within
 * the retention uses. Nothing is done twice: a second run in a row changes nothing.
 */
public final class Maintenance {
  /** The steps of one table, in order. */
  public enum Step { PROPERTIES, EXPIRE, COMPACT, VACUUM, CHECKPOINT }

  /** Called after each step of each table (a test stops the run there). */
  @FunctionalInterface
  public interface Hook {
    void after(String table, Step step);

    Hook NONE = (table, step) -> { };
  }

  /**
   * One run.
   *
   * @param businessUnit the one business unit whose partitions are maintained, or null for all
   * @param graceDays expired baseline rows are deleted this long after their expiry
   * @param retainHours VACUUM keeps files that left the table less than this long ago
   */
  public record Request(String businessUnit, int graceDays, int retainHours) {
    /** All business units, with the configured grace and retention. */
    public static Request of(MaintenanceConfig cfg) {
      return new Request(null, cfg.graceDays(), cfg.vacuumRetainHours());
    }

    public Request forBusinessUnit(String bu) {
      return new Request(bu, graceDays, retainHours);
    }
  }

  /** Delta's switch for its VACUUM retention check. */
  static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
  /** Adaptive execution's merging of small shuffle partitions. */
  private static final String COALESCE_PARTITIONS = "spark.sql.adaptive.coalescePartitions.enabled";
  /** Most files one compaction of the baseline writes (a bound on its tasks, whatever the target size). */
  private static final long MAX_COMPACTED_FILES = 10_000;
  /** The Parquet writer's row group size (bytes), a session setting Spark hands the writer. */
  public static final String ROW_GROUP_SIZE = "parquet.block.size";
  /**
   * Row groups of the baseline files compaction writes in last_seen order: about 7,000 rows each
   * (Parquet's default, 128 MB, makes one per file). A MERGE's last_seen range then reads the row
   * groups that can hold the rows it updates, not the whole file (Parquet's min and max per group).
   */
  public static final long BASELINE_ROW_GROUP_BYTES = 1L << 20;
  /**
   * The tasks VACUUM lists the table's folders in and shuffles the listing into: 10,000 by
   * default, each a task even for a table of a few folders (minutes on a small driver).
   */
  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
  /** Delta's switch for VACUUM START and END commits (on by default for local folders, off for S3). */
  private static final String VACUUM_LOGGING = "spark.databricks.delta.vacuum.logging.enabled";

  private final SparkSession spark;
  private final StateStore state;
  private final MaintenanceConfig cfg;
  private final Clock clock;
  private final Consumer<String> progress;
  private final Hook hook;
  private final int returningHorizonDays;

  /**
   * @param clock the time expiry is reckoned from (capped by each business unit's last run)
   * @param progress where a line per step goes
   * @param hook called after each step of each table
   */
  public Maintenance(SparkSession spark, StateStore state, MaintenanceConfig cfg, Clock clock,
      Consumer<String> progress, Hook hook) {
    this(spark, state, cfg, clock, progress, hook, io.trailwatch.config.BaselineConfig.defaults().returningHorizonDays());
  }

  private Maintenance(SparkSession spark, StateStore state, MaintenanceConfig cfg, Clock clock,
      Consumer<String> progress, Hook hook, int returningHorizonDays) {
    this.returningHorizonDays = returningHorizonDays;
    this.spark = spark;
    this.state = state;
    this.cfg = cfg;
    this.clock = clock;
    this.progress = progress;
    this.hook = hook;
  }

  /** The same maintenance, keeping expired behaviours this many days after their last sighting. */
  public Maintenance withReturningHorizonDays(int days) {
    return new Maintenance(spark, state, cfg, clock, progress, hook, days);
  }

  /** Maintains every table of the state, for one business unit or all. */
  public MaintenanceReport run(Request request) {
    checkRequest(request);
    List<String> tables = new ArrayList<>();
    if (guard(state.path(Tables.BASELINE), () -> DeltaTable.isDeltaTable(spark, state.path(Tables.BASELINE)))) {
      // A state made before the memory of expired behaviours gets it now, before the baseline's rows move there.
      guard(state.path(Tables.EXPIRED_BEHAVIORS), () -> {
        state.ensureTable(Tables.EXPIRED_BEHAVIORS);
        return null;
      });
    }
    for (String t : Tables.ALL) {
      if (guard(state.path(t), () -> DeltaTable.isDeltaTable(spark, state.path(t)))) {
        tables.add(t);
      }
    }
    if (tables.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.NO_STATE, "Cannot maintain the state at %s: it holds no trailwatch"
          + " table (expected %s)", state.root(), String.join(", ", Tables.ALL));
    }
    List<String> known = businessUnits(tables);
    if (request.businessUnit() != null && !known.contains(request.businessUnit())) {
      throw TrailwatchException.of(ErrorCode.UNKNOWN_BU, "Cannot maintain --bu %s: the state at %s holds no rows of"
          + " it (business units there: %s)", request.businessUnit(), state.root(), String.join(", ", known));
    }
    List<String> units = request.businessUnit() == null ? known : List.of(request.businessUnit());
    // Expiry is reckoned from each business unit's last completed run: read once for both tables that expire rows.
    Map<String, Instant> lastRun = !tables.contains(Tables.RUNS) ? null
        : guard(state.path(Tables.RUNS), () -> state.runs().lastCompleted(units));
    List<MaintenanceReport.Table> out = new ArrayList<>();
    for (String t : tables) {
      out.add(guard(state.path(t), () -> table(t, units, request, lastRun)));
    }
    return new MaintenanceReport(units, out);
  }

  private void checkRequest(Request r) {
    if (r.graceDays() < 0 || r.retainHours() < 0) {
      throw TrailwatchException.of(ErrorCode.BAD_MAINTENANCE_OPTION, "Cannot maintain with --grace-days %d"
          + " --retain-hours %d: both must be >= 0", r.graceDays(), r.retainHours());
    }
    boolean deltaCheck = Boolean.parseBoolean(spark.conf().get(RETENTION_CHECK, "true"));
    if (cfg.retentionCheck() && deltaCheck && r.retainHours() < cfg.vacuumRetainHours()) {
      throw TrailwatchException.of(ErrorCode.BAD_MAINTENANCE_OPTION, "Cannot vacuum with --retain-hours %d: the"
          + " tables keep deleted files %d hours (maintenance.vacuum-retain-hours), and a job or query older than"
          + " the retention could lose files it reads. Set maintenance.retention-check: false to allow it, only"
          + " when nothing else uses the state meanwhile", r.retainHours(), cfg.vacuumRetainHours());
    }
  }

  /** @param lastRun each business unit's last completed run; null without a run ledger (nothing expires) */
  private MaintenanceReport.Table table(String table, List<String> units, Request request,
      Map<String, Instant> lastRun) {
    long t0 = System.nanoTime();
    String path = state.path(table);
    List<String> scope = request.businessUnit() == null ? List.of() : units;
    TableStats before = TableStats.of(spark, path, scope);

    List<String> props = properties(table);
    hook.after(table, Step.PROPERTIES);

    long removed = lastRun == null ? 0 : table.equals(Tables.BASELINE) ? expire(lastRun, request.graceDays())
        : table.equals(Tables.EXPIRED_BEHAVIORS) ? forgetExpired(lastRun) : 0;
    hook.after(table, Step.EXPIRE);

    // Fewer than two files, no deletion vector and no row removed just now: OPTIMIZE has nothing to
    // rewrite, so it is not run (a Delta job and a snapshot for nothing, on most of a state's small tables).
    boolean compacted = removed == 0 && before.files() < 2 && before.withDeletionVectors() == 0 ? false
        : table.equals(Tables.BASELINE) ? compactBaseline(scope) : compact(table, request);
    hook.after(table, Step.COMPACT);

    Vacuumed vacuumed = vacuum(table, request.retainHours());
    hook.after(table, Step.VACUUM);

    boolean checkpointed = checkpoint(table);
    hook.after(table, Step.CHECKPOINT);

    // No commit since the first count (most tables of a routine maintain): the same files, no Spark job.
    TableStats after = TableStats.unchangedSince(before, spark, path).orElseGet(() -> TableStats.of(spark, path, scope));
    MaintenanceReport.Table t = new MaintenanceReport.Table(table, before, after, removed, vacuumed.files(),
        vacuumed.bytes(), props, compacted, checkpointed, (System.nanoTime() - t0) / 1e9);
    progress.accept(String.format(java.util.Locale.ROOT, "%s: %d -> %d files, %d rows removed, %d files vacuumed",
        table, before.files(), after.files(), removed, vacuumed.files()));
    return t;
  }

  /** The table properties of the configuration, set when one differs; returns those it set. */
  private List<String> properties(String table) {
    Map<String, String> wanted = new TreeMap<>(tableProperties(cfg));
    Map<String, String> current = scala.collection.JavaConverters.mapAsJavaMap(snapshot(state.path(table)).metadata()
        .configuration());
    wanted.entrySet().removeIf(e -> e.getValue().equals(current.get(e.getKey())));
    if (!wanted.isEmpty()) {
      state.beforeCommit(table);
      spark.sql("ALTER TABLE " + sqlName(table) + " SET TBLPROPERTIES (" + wanted.entrySet().stream()
          .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'").collect(Collectors.joining(", ")) + ")");
    }
    return List.copyOf(wanted.keySet());
  }

  /** The Delta table properties that the configuration sets on every table. */
  public static Map<String, String> tableProperties(MaintenanceConfig cfg) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("delta.checkpointInterval", String.valueOf(cfg.checkpointInterval()));
    p.put("delta.logRetentionDuration", "interval " + cfg.logRetentionDays() + " days");
    p.put("delta.deletedFileRetentionDuration", "interval " + cfg.vacuumRetainHours() + " hours");
    return p;
  }

  /**
   * Moves the baseline rows of each business unit that expired more than {@code graceDays}
   * before its last completed run (or before now, if earlier): every hour detected from then on,
   * and every rerun of an hour within the grace, finds them expired, which is the same as absent.
   * They go to the memory of expired behaviours first ({@link ExpiredBehaviorsTable#keep}), then
   * leave the baseline. Business units without a completed run keep all their rows.
   */
  private long expire(Map<String, Instant> lastRun, int graceDays) {
    Instant now = clock.instant();
    long removed = 0;
    for (Map.Entry<String, Instant> e : lastRun.entrySet()) {
      Instant reference = e.getValue().isBefore(now) ? e.getValue() : now;
      String bu = e.getKey();
      long n = state.baseline().deleteExpired(bu, reference.minus(Duration.ofDays(graceDays)),
          rows -> state.expiredBehaviors().keep(rows, bu));
      if (n > 0) {
        progress.accept(String.format("baseline: %d rows of %s expired before %s moved to %s", n, e.getKey(),
            reference.minus(Duration.ofDays(graceDays)), Tables.EXPIRED_BEHAVIORS));
      }
      removed += n;
    }
    return removed;
  }

  /**
   * Forgets the expired behaviours of each business unit last seen more than the returning horizon
   * before its last completed run (or before now, if earlier): a behaviour back after that long is
   * alerted as never seen.
   */
  private long forgetExpired(Map<String, Instant> lastRun) {
    Instant now = clock.instant();
    long removed = 0;
    for (Map.Entry<String, Instant> e : lastRun.entrySet()) {
      Instant reference = e.getValue().isBefore(now) ? e.getValue() : now;
      removed += state.expiredBehaviors().forget(e.getKey(), reference.minus(Duration.ofDays(returningHorizonDays)));
    }
    return removed;
  }

  /**
   * Rewrites in last_seen order the baseline partitions that need it: those with two or more files
   * under half the target size (what hourly MERGEs write), or with deletion vectors to purge. A
   * partition's rows become files of about the target size, each of its own range of last_seen
   * (rows of one last_seen never straddle two files) and sorted inside, in row groups of
   * {@link #BASELINE_ROW_GROUP_BYTES}: an hour's MERGE, whose condition holds the last_seen ranges
   * of the rows it updates, reads the files and, inside them, the row groups that can hold them.
   * (Delta's OPTIMIZE ZORDER BY, used before, ranges files the same way but leaves each file's rows
   * unsorted.) One commit per business unit replaces its partition's files with the same rows,
   * marked as no change of data as OPTIMIZE marks its commits; a rewritten partition is left alone
   * by the next maintain.
   */
  private boolean compactBaseline(List<String> scope) {
    String path = state.path(Tables.BASELINE);
    long target = cfg.baselineFileMb() * 1024L * 1024L;
    Map<String, Long> due = new TreeMap<>();
    for (Row r : TableStats.files(snapshot(path), scope)
        .groupBy(col("partitionValues").getItem("business_unit").as("bu"))
        .agg(count(when(col("size").lt(target / 2), 1)).as("small"),
            count(when(col("deletionVector").isNotNull(), 1)).as("dv"), sum("size").as("bytes"))
        .collectAsList()) {
      if (r.<Long>getAs("small") >= 2 || r.<Long>getAs("dv") > 0) {
        due.put(r.getAs("bu"), r.<Long>getAs("bytes"));
      }
    }
    // A commit per business unit: its partition's files replaced with its rows, in ranges of last_seen.
    due.forEach((bu, bytes) -> {
      int files = (int) Math.min(MAX_COMPACTED_FILES, Math.max(1, (bytes + target - 1) / target));
      Dataset<Row> rows = spark.read().format("delta").load(path).where(inPartitions(List.of(bu)))
          .repartitionByRange(files, col("last_seen")).sortWithinPartitions(col("last_seen"));
      state.beforeCommit(Tables.BASELINE);
      // Each range a file of its own: adaptive execution would merge ranges it finds small.
      withConf(COALESCE_PARTITIONS, "false", () -> withConf(ROW_GROUP_SIZE, String.valueOf(BASELINE_ROW_GROUP_BYTES),
          () -> {
            rows.write().format("delta").mode("overwrite").option("replaceWhere", inPartitions(List.of(bu)))
                .option("dataChange", "false").save(path);
            return null;
          }));
    });
    return !due.isEmpty();
  }

  /**
   * OPTIMIZE (bin-packing) of the business units' partitions; Delta leaves a partition of one file
   * alone. The run ledger has no partitions: every business unit's maintain compacts it, and when
   * two do at once, the one that commits second leaves it to the other.
   */
  private boolean compact(String table, Request request) {
    boolean partitioned = !Tables.definition(table).partitionedBy().isEmpty();
    var optimize = DeltaTable.forPath(spark, state.path(table)).optimize();
    if (request.businessUnit() != null && partitioned) {
      optimize = optimize.where(inPartitions(List.of(request.businessUnit())));
    }
    try {
      state.beforeCommit(table);
      return filesAdded(optimize.executeCompaction()) > 0;
    } catch (RuntimeException e) {
      if (partitioned || request.businessUnit() == null || !StateFailures.isConflict(e)) {
        throw e;
      }
      progress.accept(table + ": compacted by another maintain meanwhile");
      return false;
    }
  }

  private static long filesAdded(Dataset<Row> optimizeMetrics) {
    Row m = optimizeMetrics.select("metrics.numFilesAdded").first();
    return m.isNullAt(0) ? 0 : m.getLong(0);
  }

  /** What VACUUM deleted. */
  private record Vacuumed(long files, long bytes) {}

  /**
   * VACUUM with the retention, when it has something to delete. What it deleted, files (and empty
   * folders) and bytes, is what Delta wrote in the table's VACUUM START commit (logging is turned
   * on for the command: Delta logs it by default on local folders and not on S3). One pass over
   * the table's folder: the dry run this replaced listed and joined it a second time.
   */
  private Vacuumed vacuum(String table, int retainHours) {
    if (!mayDelete(table, retainHours)) {
      return new Vacuumed(0, 0);
    }
    String check = cfg.retentionCheck() ? null : "false";
    String tasks = String.valueOf(Math.max(4, 2 * spark.sparkContext().defaultParallelism()));
    return withConf(RETENTION_CHECK, check, () -> withConf(LISTING_PARALLELISM, tasks,
        () -> withConf(VACUUM_LOGGING, "true", () -> {
          DeltaLog log = DeltaLog.forTable(spark, state.path(table));
          long from = log.update(false, scala.Option.empty(), scala.Option.empty()).version() + 1;
          state.beforeCommit(table);
          DeltaTable.forPath(spark, state.path(table)).vacuum(retainHours);
          return vacuumStart(log, from);
        })));
  }

  /** The counts of the first VACUUM START commit from version {@code from} on. */
  private static Vacuumed vacuumStart(DeltaLog log, long from) {
    var changes = log.getChanges(from, false);
    while (changes.hasNext()) {
      for (Action a : scala.collection.JavaConverters.seqAsJavaList(changes.next()._2())) {
        if (a instanceof CommitInfo c && c.operation().equals("VACUUM START") && c.operationMetrics().isDefined()) {
          Map<String, String> m = scala.collection.JavaConverters.mapAsJavaMap(c.operationMetrics().get());
          return new Vacuumed(Long.parseLong(m.getOrDefault("numFilesToDelete", "0")),
              Long.parseLong(m.getOrDefault("sizeOfDataToDelete", "0")));
        }
      }
    }
    throw new IllegalStateException("VACUUM of " + log.dataPath() + " wrote no VACUUM START commit");
  }

  /**
   * Whether VACUUM may delete a file: some file of the table's folder (outside the folders Delta
   * hides from VACUUM, {@code _delta_log} among them) was written before the retention (with a
   * minute to spare) and is neither a file of the snapshot, nor a deletion vector of one, nor one
   * removed within the retention (with the same minute). False only when VACUUM would delete no
   * file; an empty folder it would delete waits for a VACUUM that has files to delete. One
   * listing; then, when an old file is found and the folder holds more files than the snapshot
   * (its checksum says), a read of the snapshot's actions; against VACUUM's listing job, shuffle
   * and join: on most tables of a state, most days, it has nothing to delete.
   */
  private boolean mayDelete(String table, int retainHours) {
    Path root = new Path(state.path(table));
    long cutoff = System.currentTimeMillis() - Duration.ofHours(retainHours).toMillis() + 60_000L;
    Set<String> old = new java.util.HashSet<>();
    long visible = 0;
    try {
      FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
      String base = fs.makeQualified(root).toUri().getPath();
      base = base.endsWith("/") ? base : base + "/";
      var files = fs.listFiles(root, true);
      while (files.hasNext()) {
        var f = files.next();
        String p = f.getPath().toUri().getPath();
        if (p.startsWith(base) && !hiddenFromVacuum(p.substring(base.length()))) {
          visible++;
          if (f.getModificationTime() < cutoff) {
            old.add(p);
          }
        }
      }
    } catch (FileNotFoundException gone) {
      return false;
    } catch (IOException e) {
      throw StateFailures.classify("Delta table " + state.path(table), e).orElseThrow();
    }
    if (old.isEmpty()) {
      return false;
    }
    // As many files as the snapshot holds (its checksum says, no Spark job): they are its files.
    Snapshot snapshot = snapshot(state.path(table));
    if (snapshot.checksumOpt().isDefined() && snapshot.checksumOpt().get().numFiles() == visible) {
      return false;
    }
    for (SingleAction a : snapshot.stateDS().collectAsList()) {
      if (a.add() != null) {
        old.remove(absolute(root, a.add().path()));
        deletionVector(root, a.add().deletionVector()).ifPresent(old::remove);
      } else if (a.remove() != null && a.remove().delTimestamp() >= cutoff) {
        old.remove(absolute(root, a.remove().path()));
        deletionVector(root, a.remove().deletionVector()).ifPresent(old::remove);
      }
    }
    return !old.isEmpty();
  }

  /**
   * Whether VACUUM leaves a path (relative to the table) alone: a folder or file whose name starts
   * with {@code _} or {@code .} on the way, but {@code _change_data} and {@code _delta_index}
   * (Delta's {@code isHiddenDirectory}; the partition column, business_unit, starts with neither).
   */
  static boolean hiddenFromVacuum(String relative) {
    for (String part : relative.split("/")) {
      if ((part.startsWith("_") || part.startsWith("."))
          && !part.startsWith("_change_data") && !part.startsWith("_delta_index")) {
        return true;
      }
    }
    return false;
  }

  /** A Delta action's path (URL-encoded, relative to the table or absolute) as a decoded absolute path. */
  private static String absolute(Path root, String actionPath) {
    Path p = new Path(java.net.URI.create(actionPath));
    return (p.isAbsolute() || p.toUri().getScheme() != null ? p : new Path(root, p)).toUri().getPath();
  }

  private static java.util.Optional<String> deletionVector(Path root, DeletionVectorDescriptor dv) {
    return dv != null && dv.isOnDisk() ? java.util.Optional.of(dv.absolutePath(root).toUri().getPath())
        : java.util.Optional.empty();
  }

  /** Writes a checkpoint of the current version unless it has one; returns whether it wrote one. */
  private boolean checkpoint(String table) {
    String path = state.path(table);
    DeltaLog log = DeltaLog.forTable(spark, path);
    Snapshot s = log.update(false, scala.Option.empty(), scala.Option.empty());
    scala.Option<LastCheckpointInfo> last = log.readLastCheckpointFile();
    if (last.isDefined() && last.get().version() == s.version()) {
      return false;
    }
    state.beforeCommit(table);
    log.checkpoint(s, scala.Option.empty());
    return true;
  }

  /**
   * The business units that have rows in any partitioned table, sorted. A job per table: one job
   * over their union was slower (measured in session 17: its task binary held every table's
   * snapshot plan, 1.2 MB).
   */
  private List<String> businessUnits(List<String> tables) {
    TreeSet<String> out = new TreeSet<>();
    for (String t : tables) {
      if (!Tables.definition(t).partitionedBy().isEmpty()) {
        for (Row r : snapshot(state.path(t)).allFiles().toDF()
            .select(col("partitionValues").getItem("business_unit")).distinct().collectAsList()) {
          out.add(r.getString(0));
        }
      }
    }
    return List.copyOf(out);
  }

  private Snapshot snapshot(String path) {
    return DeltaLog.forTable(spark, path).update(false, scala.Option.empty(), scala.Option.empty());
  }

  private String sqlName(String table) {
    return "delta.`" + state.path(table).replace("`", "``") + "`";
  }

  private static String inPartitions(List<String> units) {
    return "business_unit IN (" + units.stream().map(b -> "'" + b.replace("'", "''") + "'")
        .collect(Collectors.joining(", ")) + ")";
  }

  /** Runs {@code work} with a session setting changed (null: unchanged), then puts it back. */
  private <T> T withConf(String key, String value, Supplier<T> work) {
    if (value == null) {
      return work.get();
    }
    scala.Option<String> before = spark.conf().getOption(key);
    spark.conf().set(key, value);
    try {
      return work.get();
    } finally {
      if (before.isDefined()) {
        spark.conf().set(key, before.get());
      } else {
        spark.conf().unset(key);
      }
    }
  }

  /** Failures of the store become external errors naming the table; anything else is left alone. */
  private static <T> T guard(String where, Supplier<T> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("Delta table " + where, e);
    }
  }
}
