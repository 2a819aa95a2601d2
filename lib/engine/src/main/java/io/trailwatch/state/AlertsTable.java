package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;

import io.trailwatch.alerting.Alert;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The alerts table: every alert a run made, with its deterministic id ({@link Alert#idFor}); rows by name ({@link AlertRows}). */
public final class AlertsTable {
  private final TableHandle table;

  AlertsTable(TableHandle table) {
    this.table = table;
  }

  /** The rows of some business units, read at once ({@link TableHandle#current(List)}). */
  Dataset<Row> of(List<String> businessUnits) {
    return table.current(businessUnits);
  }

  /**
   * Appends alerts. The caller passes only alerts not recorded yet (their ids are deterministic):
   * a blind append never conflicts with another business unit's job.
   */
  public void append(List<Alert> alerts, String runId) {
    if (alerts.isEmpty()) {
      return;
    }
    Instant now = table.clock().instant();
    List<Row> rows = new ArrayList<>();
    for (Alert a : alerts) {
      rows.add(AlertRows.toRow(a, runId, now));
    }
    table.append(rows);
  }

  /** The alerts that the run of {@code detectHour} recorded (late ones included), oldest first. */
  public List<Alert> recorded(List<String> businessUnits, Instant detectHour) {
    List<Alert> out = new ArrayList<>();
    for (Row r : of(businessUnits).filter(col("detect_hour").equalTo(Timestamp.from(detectHour)))
        .orderBy("hour", "business_unit", "account_id", "principal").collectAsList()) {
      out.add(AlertRows.fromRow(r));
    }
    return out;
  }

  /** The alerts of the hours [from, to), oldest first. */
  public List<Alert> between(List<String> businessUnits, Instant from, Instant to) {
    List<Alert> out = new ArrayList<>();
    for (Row r : of(businessUnits).filter(col("hour").geq(Timestamp.from(from)).and(col("hour").lt(Timestamp.from(to))))
        .orderBy("hour", "account_id", "principal").collectAsList()) {
      out.add(AlertRows.fromRow(r));
    }
    return out;
  }

  /** The alerts of these ids that the table holds, by id. */
  public java.util.Map<String, Alert> byId(List<String> businessUnits, java.util.Collection<String> ids) {
    java.util.Map<String, Alert> out = new java.util.LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    for (Row r : of(businessUnits).filter(col("alert_id").isin(ids.toArray())).collectAsList()) {
      Alert a = AlertRows.fromRow(r);
      out.put(a.alertId(), a);
    }
    return out;
  }

  /** The business units that have alerts (for {@code deliver} without --bu). */
  public List<String> businessUnits() {
    try {
      return table.rows().select("business_unit").distinct().collectAsList().stream()
          .map(r -> r.<String>getAs("business_unit")).sorted().toList();
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("Delta table " + table.path(), e);
    }
  }
}
