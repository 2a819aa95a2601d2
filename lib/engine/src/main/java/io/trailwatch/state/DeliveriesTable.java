package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.trailwatch.alerting.Alert;
import io.trailwatch.delivery.DeliveryOutcome;
import io.trailwatch.delivery.DeliveryStatus;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The delivery ledger: per alert and sink, sent, failed (for good: 400, 401, 403, 413) or pending,
 * with the attempts so far, the last one's time and the reason. An alert a sink acknowledged is
 * never sent to it again; one that failed for good waits for a person; the rest is retried by every
 * run and by {@code deliver}.
 */
public final class DeliveriesTable {
  private final TableHandle table;
  private final AlertsTable alerts;

  DeliveriesTable(TableHandle table, AlertsTable alerts) {
    this.table = table;
    this.alerts = alerts;
  }

  /**
   * The alerts of {@code businessUnits} in hours from {@code since} that each sink has not taken
   * (sent) nor refused for good (failed), oldest first.
   */
  public Map<String, List<Alert>> pending(List<String> businessUnits, List<String> sinks, Instant since) {
    Dataset<Row> alerts = this.alerts.of(businessUnits).filter(col("hour").geq(Timestamp.from(since)))
        .orderBy("hour", "business_unit", "account_id", "principal");
    Dataset<Row> settled = table.current(businessUnits)
        .filter(col("status").isin(DeliveryStatus.SENT.label(), DeliveryStatus.FAILED.label()));
    Map<String, List<Alert>> out = new LinkedHashMap<>();
    for (String sink : sinks) {
      List<Alert> pending = new ArrayList<>();
      for (Row r : alerts.join(settled.filter(col("sink").equalTo(sink)).select("alert_id"),
          Sql.scala(new String[] {"alert_id"}), "left_anti").collectAsList()) {
        pending.add(AlertRows.fromRow(r));
      }
      out.put(sink, pending);
    }
    return out;
  }

  /** Records what each attempt did; {@code alerts} gives each outcome's business unit and hour. */
  public void record(List<DeliveryOutcome> outcomes, Map<String, Alert> alerts) {
    if (outcomes.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    List<String> businessUnits = new ArrayList<>();
    for (DeliveryOutcome o : outcomes) {
      Alert a = alerts.get(o.alertId());
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("business_unit", a.businessUnit());
      v.put("alert_id", o.alertId());
      v.put("sink", o.sink());
      v.put("status", o.status().label());
      v.put("attempts", (long) o.attempts());
      v.put("last_attempt", Timestamp.from(o.lastAttempt()));
      v.put("reason", o.reason());
      v.put("hour", Timestamp.from(a.hour()));
      rows.add(Tables.DELIVERIES_TABLE.row(v));
      if (!businessUnits.contains(a.businessUnit())) {
        businessUnits.add(a.businessUnit());
      }
    }
    Map<String, String> update = new LinkedHashMap<>();
    update.put("status", "s.status");
    update.put("attempts", "t.attempts + s.attempts");
    update.put("last_attempt", "s.last_attempt");
    update.put("reason", "s.reason");
    SparkSession on = table.mergeSession();
    table.beforeCommit();
    DeltaTable.forPath(on, table.path()).as("t")
        .merge(TableHandle.held(on, rows, Tables.DELIVERIES_SCHEMA).as("s"),
            Sql.inList("t", businessUnits) + " AND t.business_unit = s.business_unit"
                + " AND t.alert_id = s.alert_id AND t.sink = s.sink")
        // A sent alert stays sent, whatever a later (ambiguous) resend reports.
        .whenMatched("t.status <> '" + DeliveryStatus.SENT.label() + "'").updateExpr(update)
        .whenNotMatched().insertAll()
        .execute();
  }

  /** The ledger rows of some business units (analysts, tests). */
  public Dataset<Row> rows(List<String> businessUnits) {
    return table.of(businessUnits);
  }
}
