package io.trailwatch.state;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.trailwatch.core.BehaviorKey;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The memory of expired behaviours: what {@code maintain} deletes from the baseline, kept (one row
 * per behaviour) until its last sighting is older than {@code baseline.returning-horizon-days}.
 * An hour's new behaviour found here is returning, not never seen.
 */
public final class ExpiredBehaviorsTable {
  private static final String[] KEY = BaselineTable.KEY_SCHEMA.fieldNames();

  private final TableHandle table;

  ExpiredBehaviorsTable(TableHandle table) {
    this.table = table;
  }

  /**
   * When each of {@code keys} that the memory holds was last seen (the keys are broadcast and
   * filter the scan, as {@link BaselineTable#stored} does).
   */
  public Map<BehaviorKey, Instant> lastSeen(List<String> businessUnits, List<BehaviorKey> keys) {
    Map<BehaviorKey, Instant> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    List<Row> keyRows = new ArrayList<>(keys.size());
    for (BehaviorKey k : keys) {
      keyRows.add(TableDef.row(BaselineTable.KEY_SCHEMA, BaselineTable.keyValues(k)));
    }
    Dataset<Row> wanted = broadcast(table.spark().createDataFrame(keyRows, BaselineTable.KEY_SCHEMA));
    for (Row r : table.current(businessUnits).select("business_unit", "account_id", "principal", "event_source",
        "event_name", "last_seen").join(wanted, Sql.scala(KEY), "left_semi").collectAsList()) {
      out.put(new BehaviorKey(r.getAs("business_unit"), r.getAs("account_id"), r.getAs("principal"),
          r.getAs("event_source"), r.getAs("event_name")), r.<Timestamp>getAs("last_seen").toInstant());
    }
    return out;
  }

  /**
   * Keeps the baseline rows that {@code expired} selects (rows of one business unit): a behaviour
   * the memory holds already takes the later sighting. Run twice, it changes nothing the second
   * time, so a maintain that stops before deleting them from the baseline can run again.
   */
  void keep(Dataset<Row> baselineRows, String businessUnit) {
    Dataset<Row> src = baselineRows.select(col("business_unit"), col("account_id"), col("principal"),
        col("identity_type"), col("event_source"), col("event_name"), col("first_seen"), col("last_seen"),
        col("expires_at").as("expired_at"));
    StringBuilder on = new StringBuilder(Sql.inList("t", List.of(businessUnit)));
    for (String k : KEY) {
      on.append(" AND t.").append(k).append(" = s.").append(k);
    }
    Map<String, String> update = new LinkedHashMap<>();
    for (String c : new String[] {"identity_type", "first_seen", "last_seen", "expired_at"}) {
      update.put(c, "s." + c);
    }
    table.beforeCommit();
    DeltaTable.forPath(table.spark(), table.path()).as("t").merge(src.as("s"), on.toString())
        .whenMatched("s.last_seen > t.last_seen").updateExpr(update)
        .whenNotMatched().insertAll()
        .execute();
  }

  /** Forgets the business unit's behaviours last seen before {@code before}; returns how many. */
  long forget(String businessUnit, Instant before) {
    Column old = col("business_unit").equalTo(businessUnit).and(col("last_seen").lt(lit(Timestamp.from(before))));
    long n = table.rows().where(old).count();
    if (n > 0) {
      table.beforeCommit();
      DeltaTable.forPath(table.spark(), table.path()).delete(old);
    }
    return n;
  }
}
