package io.trailwatch.baseline;

import io.trailwatch.core.ErrorCode;
import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Delta baseline table read as {@link MirrorItem}s, never written: what the mirror must hold
 * ({@link MirrorSync}), and {@code lookup} without a mirror.
 */
public final class BaselineReader {
  /** The baseline columns a mirror item is made of. */
  static final String[] COLUMNS = {"business_unit", "account_id", "principal", "identity_type", "event_source",
      "event_name", "first_seen", "last_seen", "expires_at"};
  static final Comparator<MirrorItem> BY_KEY = Comparator.comparing(MirrorItem::accountId)
      .thenComparing(MirrorItem::principal).thenComparing(MirrorItem::eventSource).thenComparing(MirrorItem::eventName);

  private final SparkSession spark;
  private final StateStore store;

  public BaselineReader(SparkSession spark, StateStore store) {
    this.spark = spark;
    this.store = store;
  }

  private String path() {
    return store.path(Tables.BASELINE);
  }

  /** Whether the state root has a baseline table yet. */
  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, path());
  }

  /** The baseline table's current version (every business unit's commits count). */
  public long version() {
    requireTable();
    return DeltaTable.forPath(spark, path()).history(1).select("version").first().getAs("version");
  }

  /** Every row of a business unit, expired ones included, by key. */
  public List<MirrorItem> businessUnit(String bu) {
    requireTable();
    return items(store.baseline().rows(List.of(bu)));
  }

  /**
   * The rows of a business unit that differ from (or were not in) the table at {@code version}:
   * what the runs since then changed. When that version cannot be read any more (log entries
   * cleaned up, a table made again) every row of the business unit, which is never less.
   */
  public List<MirrorItem> changedSince(String bu, long version) {
    requireTable();
    Dataset<Row> now = select(store.baseline().rows(List.of(bu)));
    try {
      Dataset<Row> then = select(store.baseline().rowsAt(bu, version));
      return items(now.except(then));
    } catch (RuntimeException unreadable) {
      return items(now);
    }
  }

  /**
   * The keys of the rows of a business unit that the table held at {@code version} and holds no
   * more: what the runs since then deleted (a rebuild; maintain's deletes of long-expired rows). When
   * that version cannot be read any more, none: the mirror's items of such rows expire by their TTL.
   */
  public List<MirrorItem.Key> removedSince(String bu, long version) {
    requireTable();
    Dataset<Row> now = keys(store.baseline().rows(List.of(bu)));
    Dataset<Row> then;
    try {
      then = keys(store.baseline().rowsAt(bu, version));
      then.schema();
    } catch (RuntimeException unreadable) {
      return List.of();
    }
    return then.except(now).collectAsList().stream()
        .map(r -> new MirrorItem.Key(r.getAs("account_id"), r.getAs("principal"), r.getAs("event_source"),
            r.getAs("event_name")))
        .sorted(java.util.Comparator.comparing(MirrorItem.Key::accountId).thenComparing(MirrorItem.Key::principal)
            .thenComparing(MirrorItem.Key::eventSource).thenComparing(MirrorItem.Key::eventName))
        .toList();
  }

  private static Dataset<Row> keys(Dataset<Row> d) {
    return d.select("account_id", "principal", "event_source", "event_name");
  }

  /**
   * A principal's unexpired behaviours at {@code now}, in one account or (null) every account,
   * by key.
   */
  public List<MirrorItem> lookup(String accountId, String principal, Instant now) {
    requireTable();
    Dataset<Row> rows = store.baseline().unexpired(principal, now);
    if (accountId != null) {
      rows = rows.filter(col("account_id").equalTo(accountId));
    }
    return items(rows);
  }

  /**
   * A principal's behaviours that would come back as returning at {@code now}: its expired
   * baseline rows, and the rows {@code maintain} moved to the memory of expired behaviours
   * (their {@code expires_at} is when they expired), last seen within {@code horizonDays}, by key.
   */
  public List<MirrorItem> lookupExpired(String accountId, String principal, Instant now, int horizonDays) {
    requireTable();
    Timestamp at = Timestamp.from(now);
    Column whose = col("principal").equalTo(principal)
        .and(col("last_seen").geq(Timestamp.from(now.minus(java.time.Duration.ofDays(horizonDays)))));
    if (accountId != null) {
      whose = whose.and(col("account_id").equalTo(accountId));
    }
    Dataset<Row> rows = select(store.table(Tables.BASELINE).filter(whose.and(col("expires_at").leq(at))));
    if (DeltaTable.isDeltaTable(spark, store.path(Tables.EXPIRED_BEHAVIORS))) {
      Dataset<Row> held = select(store.table(Tables.BASELINE).filter(col("principal").equalTo(principal)));
      Dataset<Row> moved = select(store.table(Tables.EXPIRED_BEHAVIORS).filter(whose)
          .withColumn("expires_at", col("expired_at")))
          .join(held.select("account_id", "principal", "event_source", "event_name"),
              scala.collection.JavaConverters.asScalaBuffer(List.of("account_id", "principal", "event_source",
                  "event_name")).toSeq(), "left_anti");
      rows = rows.unionByName(select(moved));
    }
    return items(rows);
  }

  private void requireTable() {
    if (!exists()) {
      throw TrailwatchException.of(ErrorCode.NO_BASELINE, "Cannot read the baseline at %s: there is no baseline table yet"
          + " (run baseline or detect first)", path());
    }
  }

  private static Dataset<Row> select(Dataset<Row> d) {
    Column[] cols = new Column[COLUMNS.length];
    for (int i = 0; i < COLUMNS.length; i++) {
      cols[i] = col(COLUMNS[i]);
    }
    return d.select(cols);
  }

  private static List<MirrorItem> items(Dataset<Row> d) {
    return select(d).collectAsList().stream().map(BaselineReader::item).sorted(BY_KEY).toList();
  }

  static MirrorItem item(Row r) {
    return new MirrorItem(r.getAs("business_unit"), r.getAs("account_id"), r.getAs("principal"),
        r.getAs("identity_type"), r.getAs("event_source"), r.getAs("event_name"),
        r.<Timestamp>getAs("first_seen").toInstant(), r.<Timestamp>getAs("last_seen").toInstant(),
        r.<Timestamp>getAs("expires_at").toInstant());
  }
}
