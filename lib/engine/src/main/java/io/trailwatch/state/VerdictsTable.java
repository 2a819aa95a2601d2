package io.trailwatch.state;

import io.trailwatch.core.PrincipalKey;
import io.trailwatch.verdict.Verdict;
import io.trailwatch.verdict.VerdictKind;
import io.trailwatch.verdict.VerdictScope;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** The verdicts table ({@link Tables#VERDICTS_SCHEMA}): append-only, rows by column name. */
public final class VerdictsTable {
  private final TableHandle table;

  VerdictsTable(TableHandle table) {
    this.table = table;
  }

  /** Appends verdicts in one commit (all of them or none). */
  public void append(List<Verdict> verdicts) {
    if (verdicts.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (Verdict v : verdicts) {
      rows.add(toRow(v));
    }
    table.append(rows);
  }

  /** Whether the table exists (a state of a version before verdicts has none: no verdict). */
  public boolean exists() {
    try {
      return io.delta.tables.DeltaTable.isDeltaTable(table.spark(), table.path());
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("Delta table " + table.path(), e);
    }
  }

  /** Every verdict of some business units, in the order they were given. */
  public List<Verdict> all(List<String> businessUnits) {
    List<Verdict> out = new ArrayList<>();
    for (Row r : table.current(businessUnits).orderBy("decided_at").collectAsList()) {
      out.add(fromRow(r));
    }
    return out;
  }

  static Row toRow(Verdict v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("business_unit", v.principal().businessUnit());
    m.put("alert_id", v.alertId());
    m.put("verdict", v.kind().label());
    m.put("scope", v.scope().label());
    m.put("expires_at", v.expiresAt() == null ? null : Timestamp.from(v.expiresAt()));
    m.put("decided_by", v.by());
    m.put("decided_at", Timestamp.from(v.at()));
    m.put("note", v.note());
    m.put("account_id", v.principal().accountId());
    m.put("principal", v.principal().principal());
    m.put("identity_type", v.identityType());
    List<Row> behaviors = new ArrayList<>();
    for (Verdict.Behaviour b : v.behaviours()) {
      behaviors.add(RowFactory.create(b.eventSource(), b.eventName()));
    }
    m.put("behaviors", behaviors.toArray());
    m.put("hour", Timestamp.from(v.hour()));
    return Tables.VERDICTS_TABLE.row(m);
  }

  static Verdict fromRow(Row r) {
    List<Verdict.Behaviour> behaviours = new ArrayList<>();
    for (Row b : r.<Row>getList(r.fieldIndex("behaviors"))) {
      behaviours.add(new Verdict.Behaviour(b.getAs("event_source"), b.getAs("event_name")));
    }
    Timestamp expires = r.getAs("expires_at");
    return new Verdict(r.getAs("alert_id"), VerdictKind.of(r.getAs("verdict")), VerdictScope.of(r.getAs("scope")),
        expires == null ? null : expires.toInstant(), r.getAs("decided_by"),
        r.<Timestamp>getAs("decided_at").toInstant(), r.getAs("note"),
        new PrincipalKey(r.getAs("business_unit"), r.getAs("account_id"), r.getAs("principal")),
        r.getAs("identity_type"), behaviours, r.<Timestamp>getAs("hour").toInstant());
  }
}
