package io.trailwatch.state;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.trailwatch.detect.PrincipalRows;
import io.trailwatch.detect.Stored;

import io.trailwatch.core.PrincipalKey;


import io.delta.tables.DeltaTable;
import io.trailwatch.detect.BaselineRule;
import io.trailwatch.ingest.EventSchema;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
  private final TableHandle table;

  PrincipalsTable(TableHandle table) {
    this.spark = table.spark();
    this.path = table.path();
    this.table = table;
  }

  /** The rows of some business units, read at once ({@link TableHandle#current(List)}). */
  private Dataset<Row> of(List<String> businessUnits) {
    return table.current(businessUnits);
  }

  /**
   * Every principal of some business units, in one scan: what a run's comparison asks of this
   * table (stored rows, history, counts by identity type) is answered from them
   * ({@link PrincipalRows}). A principal is a row per account and identity (roles, not their
   * sessions): tens of thousands for a large business unit, a few MB.
   */
  public PrincipalRows rows(List<String> businessUnits) {
    List<Stored.Principal> rows = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (Row r : of(businessUnits).select("business_unit", "account_id", "principal", "identity_type",
        "first_seen", "last_seen").collectAsList()) {
      rows.add(new Stored.Principal(new PrincipalKey(r.getAs("business_unit"), r.getAs("account_id"),
          r.getAs("principal")), r.<Timestamp>getAs("first_seen").toInstant(),
          r.<Timestamp>getAs("last_seen").toInstant()));
      types.add(r.getAs("identity_type"));
    }
    return PrincipalRows.of(rows, types);
  }

  private static Map<String, Object> keyValues(PrincipalKey k) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("business_unit", k.businessUnit());
    v.put("account_id", k.accountId());
    v.put("principal", k.principal());
    return v;
  }

  /** Inserts new principals and refreshes known ones; nothing to write, no commit. */
  public void merge(List<Stored.PrincipalWrite> writes, List<String> businessUnits) {
    if (writes.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>(writes.size());
    for (Stored.PrincipalWrite w : writes) {
      Map<String, Object> v = keyValues(w.key());
      v.put("identity_type", w.identityType());
      v.put("first_time", Timestamp.from(w.firstTime()));
      v.put("last_time", Timestamp.from(w.lastTime()));
      rows.add(TableDef.row(WRITE_SCHEMA, v));
    }
    SparkSession on = table.mergeSession();
    execute(on, TableHandle.held(on, rows, WRITE_SCHEMA), businessUnits,
        Sql.principalIn("t", writes.stream().map(w -> w.key().principal())));
  }

  /** {@link #merge} for a computed source with the columns of {@link #WRITE_SCHEMA} (a baseline build). */
  public void mergeComputed(Dataset<Row> src, List<String> businessUnits) {
    execute(spark, src, businessUnits, lit(true));
  }

  /** {@code narrowing}: a test of the target's rows that holds for every row a source row can match. */
  private void execute(SparkSession on, Dataset<Row> src, List<String> businessUnits,
      org.apache.spark.sql.Column narrowing) {
    BaselineRule rule = BaselineRule.principals();
    table.beforeCommit();
    DeltaTable.forPath(on, path).as("t")
        .merge(src.as("s"), expr(Sql.inList("t", businessUnits) + SAME_KEY).and(narrowing))
        .whenMatched(rule.refreshCondition()).updateExpr(rule.refreshSet())
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
    insert.putAll(BaselineRule.principals().insertedTimes());
    return insert;
  }

  /**
   * Replaces the rows of some accounts with a range's principals ({@code Behaviors.principals}),
   * in one commit, as {@link BaselineTable#replace} does the baseline's.
   */
  public void replace(Dataset<Row> principals, List<String> businessUnits, List<String> accountIds) {
    String scope = Sql.inList("t", businessUnits) + " AND " + Sql.accountsIn("t", accountIds);
    Map<String, String> set = new LinkedHashMap<>(inserted());
    for (String k : KEY) {
      set.remove(k);
    }
    table.beforeCommit();
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
