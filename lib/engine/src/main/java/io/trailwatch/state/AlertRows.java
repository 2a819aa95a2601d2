package io.trailwatch.state;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.policy.Prevalence;
import io.trailwatch.policy.Severity;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** The {@code alerts} table's rows and {@link Alert}, both ways, by column name. */
final class AlertRows {
  private static final StructType CALL = (StructType) ((org.apache.spark.sql.types.ArrayType) Tables.NEW_BEHAVIOR
      .apply("calls").dataType()).elementType();
  private static final StructType PREVALENCE = (StructType) Tables.NEW_BEHAVIOR.apply("prevalence").dataType();

  private AlertRows() {}

  static Row toRow(Alert a, String runId, Instant createdAt) {
    List<Row> nb = new ArrayList<>();
    for (NewBehavior b : a.newBehaviors()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("event_source", b.eventSource());
      v.put("event_name", b.eventName());
      v.put("count", b.count());
      v.put("first_time", Timestamp.from(b.firstTime()));
      v.put("last_time", Timestamp.from(b.lastTime()));
      v.put("failed", b.failed());
      v.put("read_only", b.readOnly());
      v.put("sensitivity", b.sensitivity());
      v.put("known", b.known());
      v.put("dimension", b.dimension());
      v.put("value", b.value());
      List<Row> calls = new ArrayList<>();
      for (NewBehavior.Call c : b.calls()) {
        calls.add(struct(CALL, Map.of("call", c.call(), "count", c.count())));
      }
      v.put("calls", calls.toArray());
      Prevalence p = b.prevalence();
      v.put("prevalence", p == null ? null : struct(PREVALENCE, Map.of("account_principals", p.accountPrincipals(),
          "business_unit_principals", p.businessUnitPrincipals(), "account_same_type", p.accountSameType(),
          "account_type_principals", p.accountTypePrincipals())));
      v.put("severity", b.severity());
      v.put("mitre_technique_id", b.mitreTechniqueId());
      v.put("history", b.history());
      v.put("last_seen", b.lastSeen() == null ? null : Timestamp.from(b.lastSeen()));
      nb.add(struct(Tables.NEW_BEHAVIOR, v));
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("alert_id", a.alertId());
    v.put("business_unit", a.businessUnit());
    v.put("hour", Timestamp.from(a.hour()));
    v.put("detect_hour", Timestamp.from(a.detectHour()));
    v.put("account_id", a.accountId());
    v.put("principal", a.principal());
    v.put("identity_type", a.identityType());
    v.put("severity", a.severity().label());
    v.put("reason", a.reason());
    v.put("late", a.late());
    v.put("new_behaviors", nb.toArray());
    v.put("source_ips", a.sourceIps().toArray());
    v.put("user_agents", a.userAgents().toArray());
    v.put("regions", a.regions().toArray());
    v.put("event_ids", a.eventIds().toArray());
    v.put("run_id", runId);
    v.put("created_at", Timestamp.from(createdAt));
    return Tables.ALERTS_TABLE.row(v);
  }

  static Alert fromRow(Row r) {
    List<NewBehavior> nb = new ArrayList<>();
    for (Row b : r.<Row>getList(r.fieldIndex("new_behaviors"))) {
      List<NewBehavior.Call> calls = new ArrayList<>();
      Object rawCalls = field(b, "calls");
      if (rawCalls != null) {
        for (Row c : b.<Row>getList(b.fieldIndex("calls"))) {
          Long n = c.getAs("count");
          calls.add(new NewBehavior.Call(c.getAs("call"), n == null ? 0 : n));
        }
      }
      Row p = (Row) field(b, "prevalence");
      Prevalence prevalence = p == null ? null : new Prevalence(p.<Long>getAs("account_principals"),
          p.<Long>getAs("business_unit_principals"), p.<Long>getAs("account_same_type"),
          p.<Long>getAs("account_type_principals"));
      nb.add(new NewBehavior(b.getAs("event_source"), b.getAs("event_name"), b.<Long>getAs("count"),
          b.<Timestamp>getAs("first_time").toInstant(), b.<Timestamp>getAs("last_time").toInstant(),
          b.<Boolean>getAs("failed"), b.<Boolean>getAs("read_only"), b.getAs("sensitivity"),
          b.<Boolean>getAs("known"), (String) field(b, "dimension"), (String) field(b, "value"), calls, prevalence,
          (String) field(b, "severity"), field(b, "last_seen") == null ? null
              : ((Timestamp) field(b, "last_seen")).toInstant()));
    }
    return Alert.builder().alertId(r.getAs("alert_id")).hour(r.<Timestamp>getAs("hour").toInstant())
        .detectHour(r.<Timestamp>getAs("detect_hour").toInstant()).businessUnit(r.getAs("business_unit"))
        .accountId(r.getAs("account_id")).principal(r.getAs("principal")).identityType(r.getAs("identity_type"))
        .severity(Severity.valueOf(r.<String>getAs("severity").toUpperCase(Locale.ROOT))).reason(r.getAs("reason"))
        .late(r.getAs("late")).newBehaviors(nb).sourceIps(r.getList(r.fieldIndex("source_ips")))
        .userAgents(r.getList(r.fieldIndex("user_agents"))).regions(r.getList(r.fieldIndex("regions")))
        .eventIds(r.getList(r.fieldIndex("event_ids"))).build();
  }

  /** A nested field by name, null when the row lacks it or holds null (rows written before it existed). */
  private static Object field(Row r, String name) {
    if (r.schema() == null || !java.util.Arrays.asList(r.schema().fieldNames()).contains(name)) {
      return null;
    }
    int i = r.fieldIndex(name);
    return r.isNullAt(i) ? null : r.get(i);
  }

  /** A nested struct's row by field name, in its schema's order. */
  private static Row struct(StructType schema, Map<String, Object> values) {
    Object[] out = new Object[schema.fields().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(schema.fields()[i].name());
    }
    return RowFactory.create(out);
  }
}
