package io.trailwatch.state;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.trailwatch.ingest.EventSchema;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The principals table: when each principal was first and last seen (the learning period's clock). */
public final class PrincipalsTable {
  static final StructType KEY_SCHEMA = EventSchema.select(EventSchema.BEHAVIOR, "business_unit", "account_id",
      "principal");
  static final StructType WRITE_SCHEMA = EventSchema.concat(EventSchema.select(EventSchema.BEHAVIOR, "business_unit",
      "account_id", "principal", "identity_type"), new StructType()
      .add("first_time", DataTypes.TimestampType, false)
      .add("last_time", DataTypes.TimestampType, false));
  private static final String[] KEY = KEY_SCHEMA.fieldNames();

  private final SparkSession spark;
  private final String path;
  private final StateStore store;

  PrincipalsTable(SparkSession spark, String path, StateStore store) {
    this.spark = spark;
    this.path = path;
    this.store = store;
  }

  private Dataset<Row> of(List<String> businessUnits) {
    return spark.read().format("delta").load(path)
        .filter(col("business_unit").isin((Object[]) businessUnits.toArray(new String[0])));
  }

  /** The stored rows of {@code keys}, found as {@link BaselineTable#stored} finds behaviours. */
  public List<Stored.Principal> stored(List<String> businessUnits, List<Stored.PrincipalKey> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<Row> keyRows = new ArrayList<>(keys.size());
    for (Stored.PrincipalKey k : keys) {
      keyRows.add(RowFactory.create(k.businessUnit(), k.accountId(), k.principal()));
    }
    Dataset<Row> wanted = broadcast(spark.createDataFrame(keyRows, KEY_SCHEMA));
    List<Stored.Principal> out = new ArrayList<>();
    for (Row r : of(businessUnits).select("business_unit", "account_id", "principal", "first_seen", "last_seen")
        .join(wanted, BaselineTable.scala(KEY), "left_semi").collectAsList()) {
      out.add(new Stored.Principal(new Stored.PrincipalKey(r.getAs("business_unit"), r.getAs("account_id"),
          r.getAs("principal")), r.<Timestamp>getAs("first_seen").toInstant(),
          r.<Timestamp>getAs("last_seen").toInstant()));
    }
    return out;
  }

  /**
   * How many principals of each identity type each account has as of {@code asOf}: first seen
   * before it, and last seen within the retention window before it.
   */
  public List<io.trailwatch.detect.Peers.TypeCount> countsByType(List<String> businessUnits, Instant asOf,
      int retentionDays) {
    List<io.trailwatch.detect.Peers.TypeCount> out = new ArrayList<>();
    for (Row r : of(businessUnits).filter(col("first_seen").lt(Timestamp.from(asOf))
            .and(col("last_seen").geq(Timestamp.from(asOf.minus(java.time.Duration.ofDays(retentionDays))))))
        .groupBy("business_unit", "account_id", "identity_type").count().collectAsList()) {
      out.add(new io.trailwatch.detect.Peers.TypeCount(r.getAs("business_unit"), r.getAs("account_id"),
          r.getAs("identity_type"), r.<Long>getAs("count")));
    }
    return out;
  }

  /** Inserts new principals and refreshes known ones; nothing to write, no commit. */
  public void merge(List<Stored.PrincipalWrite> writes, List<String> businessUnits) {
    if (writes.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>(writes.size());
    for (Stored.PrincipalWrite w : writes) {
      rows.add(RowFactory.create(w.key().businessUnit(), w.key().accountId(), w.key().principal(), w.identityType(),
          Timestamp.from(w.firstTime()), Timestamp.from(w.lastTime())));
    }
    mergeComputed(spark.createDataFrame(rows, WRITE_SCHEMA), businessUnits);
  }

  /**
   * What {@link #merge} makes of one stored row (null: none) and one write, in plain Java (the
   * rules of {@link #mergeComputed}), for a replay that keeps the principals in memory.
   */
  public static Stored.Principal merged(Stored.Principal stored, Stored.PrincipalWrite w) {
    if (stored == null) {
      return new Stored.Principal(w.key(), w.firstTime(), w.lastTime());
    }
    if (!w.lastTime().isBefore(stored.lastSeen().plus(BaselineTable.REFRESH_PERIOD))
        || w.firstTime().isBefore(stored.firstSeen())) {
      return new Stored.Principal(w.key(), w.firstTime().isBefore(stored.firstSeen()) ? w.firstTime()
          : stored.firstSeen(), w.lastTime().isAfter(stored.lastSeen()) ? w.lastTime() : stored.lastSeen());
    }
    return stored;
  }

  /** {@link #merge} for a computed source with the columns of {@link #WRITE_SCHEMA} (a baseline build). */
  public void mergeComputed(Dataset<Row> src, List<String> businessUnits) {
    Map<String, String> refresh = new LinkedHashMap<>();
    refresh.put("first_seen", "least(t.first_seen, s.first_time)");
    refresh.put("last_seen", "greatest(t.last_seen, s.last_time)");
    store.beforeCommit(Tables.PRINCIPALS);
    DeltaTable.forPath(spark, path).as("t")
        .merge(src.as("s"), StateStore.inList("t", businessUnits) + SAME_KEY)
        .whenMatched("s.last_time >= t.last_seen + " + BaselineTable.REFRESH + " OR s.first_time < t.first_seen")
        .updateExpr(refresh)
        .whenNotMatched().insertExpr(inserted())
        .execute();
  }

  private static final String SAME_KEY = " AND t.business_unit = s.business_unit AND t.account_id = s.account_id"
      + " AND t.principal = s.principal";

  private static Map<String, String> inserted() {
    Map<String, String> insert = new LinkedHashMap<>();
    insert.put("business_unit", "s.business_unit");
    insert.put("account_id", "s.account_id");
    insert.put("principal", "s.principal");
    insert.put("identity_type", "s.identity_type");
    insert.put("first_seen", "s.first_time");
    insert.put("last_seen", "s.last_time");
    return insert;
  }

  /**
   * Replaces the rows of some accounts with a range's principals ({@code Behaviors.principals}),
   * in one commit, as {@link BaselineTable#replace} does the baseline's.
   */
  public void replace(Dataset<Row> principals, List<String> businessUnits, List<String> accountIds) {
    String scope = StateStore.inList("t", businessUnits) + " AND " + BaselineTable.accountsIn("t", accountIds);
    Map<String, String> set = new LinkedHashMap<>(inserted());
    for (String k : KEY) {
      set.remove(k);
    }
    store.beforeCommit(Tables.PRINCIPALS);
    DeltaTable.forPath(spark, path).as("t")
        .merge(principals.as("s"), scope + SAME_KEY)
        .whenMatched().updateExpr(set)
        .whenNotMatched().insertExpr(inserted())
        .whenNotMatchedBySource(scope).delete()
        .execute();
  }

  /** A range's principals compared with the stored ones inside Spark (a baseline build): the rows that need a write. */
  public Dataset<Row> compare(Dataset<Row> principals, List<String> businessUnits) {
    return BaselineTable.compare(principals, of(businessUnits), KEY, false);
  }
}
