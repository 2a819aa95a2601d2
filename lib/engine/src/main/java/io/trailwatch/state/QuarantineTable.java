package io.trailwatch.state;

import io.delta.tables.DeltaTable;
import io.trailwatch.ingest.QuarantineEntry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The quarantine: input that was rejected (a file or a record), why, and by which run. */
public final class QuarantineTable {
  private final TableHandle table;

  QuarantineTable(TableHandle table) {
    this.table = table;
  }

  /** Records rejected input once per (business unit, source, record, reason), however often a run is repeated. */
  public void record(List<QuarantineEntry> entries, List<String> businessUnits, String runId, Instant windowFrom) {
    if (entries.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(table.clock().instant());
    List<Row> rows = new ArrayList<>();
    for (QuarantineEntry q : entries) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("business_unit", q.businessUnit());
      v.put("account_id", q.accountId());
      v.put("source", q.source());
      v.put("record_index", q.recordIndex());
      v.put("event_id", q.eventId());
      v.put("reason", q.reason().name());
      v.put("detail", q.detail());
      v.put("run_id", runId);
      v.put("window_from", Timestamp.from(windowFrom));
      v.put("quarantined_at", now);
      rows.add(Tables.QUARANTINE_TABLE.row(v));
    }
    SparkSession on = table.mergeSession();
    Dataset<Row> src = TableHandle.held(on, rows, Tables.QUARANTINE_SCHEMA)
        .dropDuplicates("business_unit", "source", "record_index", "reason");
    table.beforeCommit();
    DeltaTable.forPath(on, table.path()).as("t")
        .merge(src.as("s"), Sql.inList("t", businessUnits) + " AND t.business_unit = s.business_unit"
            + " AND t.source = s.source AND t.record_index = s.record_index AND t.reason = s.reason")
        .whenNotMatched().insertAll()
        .execute();
  }
}
