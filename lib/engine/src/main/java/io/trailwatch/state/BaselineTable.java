package io.trailwatch.state;

import io.trailwatch.detect.Stored;

import io.trailwatch.core.BehaviorKey;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.trailwatch.detect.BaselineRule;
import io.trailwatch.ingest.EventSchema;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The baseline: one row per (business unit, account, principal, behaviour) that succeeded, with
 * when it was first and last seen and when it expires. An hour asks it for the rows of its own
 * behaviours ({@link #stored}) and gives back the rows that change ({@link #merge}); a baseline
 * build compares and merges a whole range inside Spark ({@link #compare}, {@link #mergeComputed}).
 */
public final class BaselineTable {
  /** The stored row's {@code last_seen} as {@link #compare} found it (null: no stored row). */
  public static final String STORED_LAST_SEEN = "stored_last_seen";
  /** The stored row's {@code first_seen} as {@link #compare} found it (null: no stored row). */
  public static final String STORED_FIRST_SEEN = "stored_first_seen";

  /** Most ranges of stored last_seen hours put in a MERGE condition; closest ones are joined beyond it. */
  static final int MAX_RANGES = 64;

  static final StructType KEY_SCHEMA = EventSchema.select(EventSchema.BEHAVIOR, "business_unit", "account_id",
      "principal", "event_source", "event_name");

  /** The rows a MERGE takes: the behaviour, its type, and its first and last successful call. */
  static final StructType WRITE_SCHEMA = EventSchema.concat(EventSchema.BEHAVIOR, new StructType()
      .add("first_ok_time", DataTypes.TimestampType, false)
      .add("last_ok_time", DataTypes.TimestampType, false));

  private static final String[] KEY = KEY_SCHEMA.fieldNames();

  private final SparkSession spark;
  private final String path;
  private final TableHandle table;

  BaselineTable(TableHandle table) {
    this.spark = table.spark();
    this.path = table.path();
    this.table = table;
  }

  /** The rows of some business units, read at once ({@link TableHandle#current(List)}). */
  private Dataset<Row> of(List<String> businessUnits) {
    return table.current(businessUnits);
  }

  /**
   * The stored rows of {@code keys} (an hour's behaviours: thousands). The business units' rows are
   * scanned with a test of one column first, the hour's principals (it drops the rows of other
   * principals, most of a large baseline, before any row is built), and the tasks keep the rows of
   * the keys, which travel with them as a set: the baseline is never shuffled, nor joined, and only
   * the matches come back to the driver.
   */
  public List<Stored.Behavior> stored(List<String> businessUnits, List<BehaviorKey> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    HashSet<List<String>> wanted = new HashSet<>();
    keys.forEach(k -> wanted.add(Arrays.asList(k.businessUnit(), k.accountId(), k.principal(), k.eventSource(),
        k.eventName())));
    JavaRDD<Row> rows = table.scanned(businessUnits).filter(col("principal").isin(distinct(keys,
        BehaviorKey::principal))).select(BEHAVIOR_COLUMNS).javaRDD();
    List<Stored.Behavior> out = new ArrayList<>();
    for (Row r : rows.mapPartitions(it -> withKeyIn(it, wanted, KEY.length)).collect()) {
      out.add(new Stored.Behavior(new BehaviorKey(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
          r.getString(4)), r.getTimestamp(5).toInstant(), r.getTimestamp(6).toInstant(),
          r.getTimestamp(7).toInstant()));
    }
    return out;
  }

  /** The columns {@link #stored} reads: the key's, then first_seen, last_seen and expires_at. */
  private static final Column[] BEHAVIOR_COLUMNS = {col("business_unit"), col("account_id"), col("principal"),
      col("event_source"), col("event_name"), col("first_seen"), col("last_seen"), col("expires_at")};

  /** A task's rows whose first {@code width} columns (strings) are one of {@code keys}. */
  private static Iterator<Row> withKeyIn(Iterator<Row> rows, Set<List<String>> keys, int width) {
    List<Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      String[] key = new String[width];
      for (int i = 0; i < width; i++) {
        key[i] = r.getString(i);
      }
      if (keys.contains(Arrays.asList(key))) {
        out.add(r);
      }
    }
    return out.iterator();
  }

  /**
   * Deletes the rows of {@code keys} first seen at or after {@code since}: what an hour confirmed
   * malicious taught its principal ({@code trailwatch verdict ... malicious}). Rows learnt before
   * that hour stay. Returns how many rows were deleted.
   */
  public long forget(List<String> businessUnits, List<BehaviorKey> keys, Instant since) {
    if (keys.isEmpty()) {
      return 0;
    }
    Column anyKey = null;
    for (BehaviorKey k : keys) {
      Column one = col("business_unit").equalTo(k.businessUnit()).and(col("account_id").equalTo(k.accountId()))
          .and(col("principal").equalTo(k.principal())).and(col("event_source").equalTo(k.eventSource()))
          .and(col("event_name").equalTo(k.eventName()));
      anyKey = anyKey == null ? one : anyKey.or(one);
    }
    Column which = col("business_unit").isin((Object[]) businessUnits.toArray(new String[0])).and(anyKey)
        .and(col("first_seen").geq(lit(Timestamp.from(since))));
    long rows = of(businessUnits).filter(which).count();
    if (rows > 0) {
      table.beforeCommit();
      DeltaTable.forPath(spark, path).delete(which);
    }
    return rows;
  }

  /**
   * How many principals of each account and identity type hold each of {@code keys} as of
   * {@code asOf} (first seen before it, not expired then): the prevalence of an hour's new
   * behaviours among peers. The keys travel with the tasks and filter the scan; only counts come back.
   */
  public List<io.trailwatch.detect.Peers.Holders> holders(List<String> businessUnits,
      List<io.trailwatch.detect.Peers.Key> keys, Instant asOf) {
    if (keys.isEmpty()) {
      return List.of();
    }
    HashSet<List<String>> wanted = new HashSet<>();
    keys.forEach(k -> wanted.add(Arrays.asList(k.businessUnit(), k.eventSource(), k.eventName())));
    Timestamp at = Timestamp.from(asOf);
    // The keys' names first: a test of two columns on the scanned batches drops nearly every row
    // before one is built; the tasks keep the keys' rows and count them, and only counts come back
    // (no join, no shuffle stage, nor its re-planning).
    JavaRDD<Row> held = table.scanned(businessUnits)
        .filter(col("event_name").isin(distinct(keys, io.trailwatch.detect.Peers.Key::eventName))
            .and(col("event_source").isin(distinct(keys, io.trailwatch.detect.Peers.Key::eventSource)))
            .and(col("first_seen").lt(at)).and(col("expires_at").gt(at)))
        .select("business_unit", "event_source", "event_name", "account_id", "identity_type").javaRDD();
    Map<List<String>, Long> counts = new HashMap<>();
    for (Map<List<String>, Long> part : held.mapPartitions(it -> countHolders(withKeyIn(it, wanted, 3))).collect()) {
      part.forEach((k, n) -> counts.merge(k, n, Long::sum));
    }
    List<io.trailwatch.detect.Peers.Holders> out = new ArrayList<>(counts.size());
    counts.forEach((k, n) -> out.add(new io.trailwatch.detect.Peers.Holders(k.get(0), k.get(1), k.get(2), k.get(3),
        k.get(4), n)));
    return out;
  }

  /** The distinct values of one field of {@code keys}, for an IN filter. */
  private static <K> Object[] distinct(List<K> keys, java.util.function.Function<K, String> field) {
    return keys.stream().map(field).distinct().toArray();
  }

  /** One task's rows of {@link #holders}, counted by (business unit, account, identity type, eventSource, eventName). */
  private static Iterator<Map<List<String>, Long>> countHolders(Iterator<Row> rows) {
    HashMap<List<String>, Long> counts = new HashMap<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      counts.merge(Arrays.asList(r.getString(0), r.getString(3), r.getString(4), r.getString(1), r.getString(2)), 1L,
          Long::sum);
    }
    return List.<Map<List<String>, Long>>of(counts).iterator();
  }

  /**
   * The first time each dimension besides api was seen, per business unit, before {@code asOf}:
   * each dimension learns from the day it was turned on, and warms up on its own.
   */
  public Map<io.trailwatch.dimensions.Dimension, Map<String, Instant>> dimensionStarts(List<String> businessUnits,
      java.util.Collection<io.trailwatch.dimensions.Dimension> dimensions, Instant asOf) {
    List<String> sources = dimensions.stream().filter(d -> d != io.trailwatch.dimensions.Dimension.API)
        .map(io.trailwatch.dimensions.Dimension::keySource).toList();
    Map<io.trailwatch.dimensions.Dimension, Map<String, Instant>> out = new java.util.EnumMap<>(
        io.trailwatch.dimensions.Dimension.class);
    if (sources.isEmpty()) {
      return out;
    }
    for (Row r : of(businessUnits).filter(col("event_source").isin((Object[]) sources.toArray(new String[0]))
            .and(col("first_seen").lt(Timestamp.from(asOf))))
        .groupBy("business_unit", "event_source").agg(org.apache.spark.sql.functions.min("first_seen").as("first"))
        .collectAsList()) {
      out.computeIfAbsent(io.trailwatch.dimensions.Dimension.ofKeySource(r.getAs("event_source")),
          d -> new java.util.HashMap<>()).put(r.getAs("business_unit"), r.<Timestamp>getAs("first").toInstant());
    }
    return out;
  }

  /** A key's columns by name. */
  static Map<String, Object> keyValues(BehaviorKey k) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("business_unit", k.businessUnit());
    v.put("account_id", k.accountId());
    v.put("principal", k.principal());
    v.put("event_source", k.eventSource());
    v.put("event_name", k.eventName());
    return v;
  }

  /**
   * Inserts new behaviours and refreshes known ones, from the rows an hour's comparison found to
   * change something; nothing to write, no commit. Reads only the baseline files whose last_seen
   * statistics can hold the rows it updates ({@link #lastSeenRanges}).
   */
  public void merge(List<Stored.BehaviorWrite> writes, List<String> businessUnits, int retentionDays) {
    if (writes.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>(writes.size());
    List<Long> storedHours = new ArrayList<>();
    for (Stored.BehaviorWrite w : writes) {
      Map<String, Object> v = keyValues(w.key());
      v.put("identity_type", w.identityType());
      v.put("first_ok_time", Timestamp.from(w.firstOkTime()));
      v.put("last_ok_time", Timestamp.from(w.lastOkTime()));
      rows.add(TableDef.row(WRITE_SCHEMA, v));
      if (w.storedLastSeen() != null) {
        storedHours.add(Math.floorDiv(w.storedLastSeen().getEpochSecond(), 3600));
      }
    }
    // A MERGE into a large baseline scans many rows for its matches: with generated code (TableHandle#mergeSession).
    SparkSession on = table.mergeSession();
    execute(on, TableHandle.held(on, rows, WRITE_SCHEMA), lastSeenRanges(storedHours),
        Sql.principalIn("t", writes.stream().map(w -> w.key().principal())), businessUnits, retentionDays);
  }

  /**
   * {@link #merge} for a computed source (a baseline build: every behaviour of a range), with the
   * columns of {@link #compare}, filtered to the rows that need a write.
   */
  public void mergeComputed(Dataset<Row> src, List<String> businessUnits, int retentionDays) {
    List<Long> hours = new ArrayList<>();
    for (Row r : src.where(col(STORED_LAST_SEEN).isNotNull())
        .select(expr("CAST(floor(unix_micros(" + STORED_LAST_SEEN + ") / 3600000000) AS BIGINT)").as("h"))
        .distinct().collectAsList()) {
      hours.add(r.getAs("h"));
    }
    execute(spark, src, lastSeenRanges(hours), lit(true), businessUnits, retentionDays);
  }

  /**
   * A behaviour that had expired starts again from its new first sighting. {@code narrowing}: a
   * test of the target's rows that holds for every row a source row can match.
   */
  private void execute(SparkSession on, Dataset<Row> src, String ranges, Column narrowing,
      List<String> businessUnits, int retentionDays) {
    BaselineRule rule = BaselineRule.behaviors(retentionDays);
    table.beforeCommit();
    DeltaTable.forPath(on, path).as("t")
        .merge(src.as("s"), expr(Sql.inList("t", businessUnits) + ranges + SAME_KEY).and(narrowing))
        .whenMatched(rule.restartCondition()).updateExpr(rule.restartSet())
        .whenMatched(rule.refreshCondition()).updateExpr(rule.refreshSet())
        .whenNotMatched().insertExpr(inserted(rule))
        .execute();
  }

  private static final String SAME_KEY = " AND t.business_unit = s.business_unit AND t.account_id = s.account_id"
      + " AND t.principal = s.principal AND t.event_source = s.event_source AND t.event_name = s.event_name";

  /** A new row from a write: first and last seen are its first and last successful call. */
  private static Map<String, String> inserted(BaselineRule rule) {
    Map<String, String> insert = new LinkedHashMap<>();
    for (String c : WRITE_SCHEMA.fieldNames()) {
      if (!c.endsWith("_ok_time")) {
        insert.put(c, "s." + c);
      }
    }
    insert.putAll(rule.insertedTimes());
    return insert;
  }

  /**
   * Replaces the rows of some accounts with a range's behaviours ({@code Behaviors.counted}),
   * in one commit: each behaviour that succeeded becomes a row as a build on an empty table would
   * make it, and the accounts' rows it does not hold are deleted. Rows of other accounts are not
   * touched (the MERGE's condition and its delete both name the accounts).
   */
  public void replace(Dataset<Row> behaviors, List<String> businessUnits, List<String> accountIds,
      int retentionDays) {
    BaselineRule rule = BaselineRule.behaviors(retentionDays);
    String scope = Sql.inList("t", businessUnits) + " AND " + Sql.accountsIn("t", accountIds);
    String[] columns = WRITE_SCHEMA.fieldNames();
    Dataset<Row> src = behaviors.where(col("events").gt(col("failed_events")))
        .selectExpr(columns);
    Map<String, String> set = new LinkedHashMap<>(inserted(rule));
    for (String k : KEY) {
      set.remove(k);
    }
    table.beforeCommit();
    DeltaTable.forPath(spark, path).as("t")
        .merge(src.as("s"), scope + SAME_KEY)
        .whenMatched().updateExpr(set)
        .whenNotMatched().insertExpr(inserted(rule))
        .whenNotMatchedBySource(scope).delete()
        .execute();
  }

  /**
   * A condition on {@code t.last_seen} that every stored row the MERGE will match satisfies, from
   * the stored {@code last_seen} the comparison saw for each source row: the hours they fall in,
   * as ranges. With it, Delta skips every baseline file whose last_seen statistics lie outside
   * them (files of behaviours not seen for a while, most of a large baseline), so the cost of the
   * MERGE follows the rows it changes rather than the size of the table.
   *
   * <p>Exact because the job is the only writer of its business units' partitions between its
   * comparison and its MERGE (one job per BU at a time): a source row without a stored row then
   * still has none, and one with a stored row matches it inside the ranges.
   */
  static String lastSeenRanges(List<Long> epochHours) {
    if (epochHours.isEmpty()) {
      // Nothing to update, only inserts: no stored row can match, no file needs reading.
      return " AND t.last_seen IS NULL";
    }
    List<long[]> ranges = new ArrayList<>();
    for (long h : epochHours.stream().distinct().sorted().toList()) {
      ranges.add(new long[] {h, h + 1});
    }
    while (ranges.size() > MAX_RANGES) {
      int best = 0;
      for (int i = 1; i < ranges.size() - 1; i++) {
        if (ranges.get(i + 1)[0] - ranges.get(i)[1] < ranges.get(best + 1)[0] - ranges.get(best)[1]) {
          best = i;
        }
      }
      ranges.get(best)[1] = ranges.get(best + 1)[1];
      ranges.remove(best + 1);
    }
    StringBuilder sb = new StringBuilder(" AND (");
    for (int i = 0; i < ranges.size(); i++) {
      sb.append(i == 0 ? "" : " OR ").append("(t.last_seen >= ").append(hourLiteral(ranges.get(i)[0]))
          .append(" AND t.last_seen < ").append(hourLiteral(ranges.get(i)[1])).append(')');
    }
    return sb.append(')').toString();
  }

  private static String hourLiteral(long epochHour) {
    return "TIMESTAMP'" + Instant.ofEpochSecond(epochHour * 3600) + "'";
  }

  /**
   * A range's behaviours (a baseline build: large, kept in Spark) joined with their stored row:
   * adds {@code needs_write} (the MERGE would change the stored row), {@link #STORED_FIRST_SEEN}
   * and {@link #STORED_LAST_SEEN}. The same rules as {@code io.trailwatch.detect.Comparison}, which
   * an hour uses on the driver; a test checks that the two agree.
   */
  public Dataset<Row> compare(Dataset<Row> behaviors, List<String> businessUnits) {
    return compare(behaviors, of(businessUnits), KEY, true);
  }

  /** The rows of some business units, expired ones included (the mirror, analysts, tests). */
  public Dataset<Row> rows(List<String> businessUnits) {
    return table.of(businessUnits);
  }

  /** A business unit's rows as the table held them at {@code version} (Delta time travel). */
  public Dataset<Row> rowsAt(String businessUnit, long version) {
    return table.spark().read().format("delta").option("versionAsOf", version).load(table.path())
        .filter(col("business_unit").equalTo(businessUnit));
  }

  /** A principal's rows not expired at {@code now}, in every business unit and account of the table. */
  public Dataset<Row> unexpired(String principal, Instant now) {
    return table.rows().filter(col("principal").equalTo(principal).and(col("expires_at").gt(Timestamp.from(now))));
  }

  /**
   * Deletes a business unit's rows that expired before {@code before}, after handing them to
   * {@code keep} (the memory of expired behaviours); returns how many there were.
   */
  public long deleteExpired(String businessUnit, Instant before, java.util.function.Consumer<Dataset<Row>> keep) {
    Column expired = col("business_unit").equalTo(businessUnit).and(col("expires_at").lt(lit(Timestamp.from(before))));
    long n = table.rows().where(expired).count();
    if (n > 0) {
      keep.accept(table.rows().where(expired));
      table.beforeCommit();
      DeltaTable.forPath(table.spark(), table.path()).delete(expired);
    }
    return n;
  }

  /** {@link #compare} for principals (rows with first_time and last_time) against the principals table. */
  static Dataset<Row> compare(Dataset<Row> rows, Dataset<Row> stored, String[] key, boolean behaviours) {
    List<Column> cols = new ArrayList<>();
    for (String k : key) {
      cols.add(col(k));
    }
    cols.add(col("first_seen").as("s_first_seen"));
    cols.add(col("last_seen").as("s_last_seen"));
    cols.add(behaviours ? col("expires_at").as("s_expires_at") : lit(null).cast("timestamp").as("s_expires_at"));
    Column first = col(behaviours ? "first_ok_time" : "first_time");
    Column last = col(behaviours ? "last_ok_time" : "last_time");
    Column stale = BaselineRule.changes(col("s_first_seen"), col("s_last_seen"),
        behaviours ? col("s_expires_at") : null, first, last);
    Column writable = behaviours ? col("events").gt(col("failed_events")) : lit(true); // BaselineRule.writable
    List<Column> keyCols = new ArrayList<>();
    for (String k : key) {
      keyCols.add(col(k));
    }
    Dataset<Row> hit = stored.select(cols.toArray(new Column[0]))
        .join(broadcast(rows.select(keyCols.toArray(new Column[0]))), Sql.scala(key), "left_semi");
    return rows.join(hit, Sql.scala(key), "left")
        .withColumn("needs_write", writable.and(stale))
        .withColumnRenamed("s_last_seen", STORED_LAST_SEEN)
        .withColumnRenamed("s_first_seen", STORED_FIRST_SEEN)
        .drop("s_expires_at")
        .filter(col("needs_write"));
  }
}
