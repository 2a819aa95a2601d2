package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;

import io.trailwatch.ingest.LogFile;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The ledger of files read for detection: one row per (file, event hour), naming the detect run that read it. */
public final class IngestedFilesTable {
  private final TableHandle table;

  IngestedFilesTable(TableHandle table) {
    this.table = table;
  }

  /**
   * Appends ledger rows: files a run read, per event hour. The caller passes only rows not in the
   * ledger yet (a rerun's files are there already; see {@code Pipeline}), so one row per (file,
   * event hour), with one job per business unit at a time.
   */
  public void append(List<IngestedFile> files, String runId) {
    if (files.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(table.clock().instant());
    List<Row> rows = new ArrayList<>();
    for (IngestedFile i : files) {
      LogFile f = i.file();
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("business_unit", f.businessUnit());
      v.put("account_id", f.accountId());
      v.put("uri", f.uri());
      v.put("region", f.region());
      v.put("file_time", Timestamp.from(f.fileTime()));
      v.put("size", f.size());
      v.put("event_hour", Timestamp.from(i.eventHour()));
      v.put("detect_hour", Timestamp.from(i.detectHour()));
      v.put("late", i.late());
      v.put("run_id", runId);
      v.put("read_at", now);
      rows.add(Tables.INGESTED_FILES_TABLE.row(v));
    }
    table.append(rows);
  }

  /** The ledger rows of some business units whose event hour is in [from, to). */
  public List<IngestedFile> rows(List<String> businessUnits, Instant from, Instant to) {
    List<IngestedFile> out = new ArrayList<>();
    for (Row r : table.current(businessUnits).filter(col("event_hour").geq(Timestamp.from(from)).and(col("event_hour").lt(Timestamp.from(to))))
        .collectAsList()) {
      out.add(new IngestedFile(new LogFile(r.getAs("uri"), r.getAs("account_id"), r.getAs("business_unit"),
          r.getAs("region"), r.<Timestamp>getAs("file_time").toInstant(), r.<Long>getAs("size")),
          r.<Timestamp>getAs("event_hour").toInstant(), r.<Timestamp>getAs("detect_hour").toInstant(),
          r.<Boolean>getAs("late")));
    }
    return out;
  }
}
