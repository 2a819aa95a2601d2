package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.trailwatch.detect.CoverageView;
import io.trailwatch.detect.TrailHour;
import io.trailwatch.ingest.TamperCall;
import io.trailwatch.ingest.TrailRead;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The coverage ledger ({@link Tables#COVERAGE_SCHEMA}): per (account, region, event hour) a detect
 * run read, its files, events, bytes, delivery lag and late events. Rows are keyed by the run's
 * hour too, so a rerun of that hour replaces its own rows and adds none.
 */
public final class CoverageTable {
  private final TableHandle table;

  CoverageTable(TableHandle table) {
    this.table = table;
  }

  /** One event hour's account-regions, as the run of {@code detectHour} read them (late files when the hour is earlier). */
  public record HourRows(Instant hour, List<TrailRead> reads) {
    public HourRows {
      reads = List.copyOf(reads);
    }
  }

  /**
   * Stores a run's rows: MERGE on the row's key, so a rerun of the hour writes them in place; a
   * plain append when {@code fresh} (the table holds no row of this detect hour for these business
   * units: {@link #holdsDetectHour}). Nothing is written when the run read no file.
   */
  public void record(List<HourRows> hours, Instant detectHour, List<String> businessUnits, String runId,
      boolean fresh) {
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(table.clock().instant());
    for (HourRows h : hours) {
      for (TrailRead t : h.reads()) {
        rows.add(row(t, h.hour(), detectHour, runId, now));
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    if (fresh) {
      table.append(rows);
      return;
    }
    Dataset<Row> src = table.spark().createDataFrame(rows, Tables.COVERAGE_SCHEMA);
    table.beforeCommit();
    DeltaTable.forPath(table.spark(), table.path()).as("t")
        .merge(src.as("s"), Sql.inList("t", businessUnits) + " AND t.business_unit = s.business_unit"
            + " AND t.account_id = s.account_id AND t.region = s.region AND t.hour = s.hour"
            + " AND t.detect_hour = s.detect_hour")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
  }

  /** Whether the table holds a row that a run of {@code detectHour} stored for one of these business units. */
  public boolean holdsDetectHour(List<String> businessUnits, Instant detectHour) {
    return !table.current(businessUnits).filter(col("detect_hour").equalTo(Timestamp.from(detectHour))).limit(1)
        .isEmpty();
  }

  static Row row(TrailRead t, Instant hour, Instant detectHour, String runId, Timestamp now) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("business_unit", t.businessUnit());
    v.put("account_id", t.accountId());
    v.put("region", t.region());
    v.put("hour", Timestamp.from(hour));
    v.put("detect_hour", Timestamp.from(detectHour));
    v.put("trail", t.trail());
    v.put("files", t.files());
    v.put("events", t.events());
    v.put("bytes", t.bytes());
    v.put("lag_p50_minutes", t.lagP50Minutes());
    v.put("lag_max_minutes", t.lagMaxMinutes());
    // Files of an earlier hour that a later run read were delivered after that hour's run: late.
    v.put("late_events", hour.equals(detectHour) ? 0L : t.events());
    TamperCall c = t.tamper();
    v.put("tamper_call", c == null ? null : c.call());
    v.put("tamper_principal", c == null ? null : c.principal());
    v.put("tamper_identity_type", c == null ? null : c.identityType());
    v.put("tamper_time", c == null ? null : Timestamp.from(c.time()));
    v.put("run_id", runId);
    v.put("read_at", now);
    return Tables.COVERAGE_TABLE.row(v);
  }

  /**
   * The ledger as the silent-trail rule reads it, for some business units: only rows that runs of
   * hours before {@code detectHour} stored (a rerun sees what the first run saw).
   */
  public CoverageView view(List<String> businessUnits, Instant detectHour) {
    Dataset<Row> rows = table.current(businessUnits).filter(col("detect_hour").lt(Timestamp.from(detectHour)));
    return new CoverageView() {
      private Dataset<Row> in(Instant from, Instant to) {
        return rows.filter(col("hour").geq(Timestamp.from(from)).and(col("hour").lt(Timestamp.from(to))));
      }

      @Override
      public long observedHours(Instant from, Instant to) {
        return in(from, to).agg(countDistinct("hour")).first().getLong(0);
      }

      @Override
      public List<TrailRate> rates(Instant from, Instant to) {
        List<TrailRate> out = new ArrayList<>();
        for (Row r : in(from, to).groupBy("account_id", "region")
            .agg(first("trail", true).as("trail"),
                countDistinct(when(col("events").gt(0), col("hour"))).as("active"))
            .orderBy("account_id", "region").collectAsList()) {
          out.add(new TrailRate(r.getAs("account_id"), r.getAs("region"), r.getAs("trail"), r.<Long>getAs("active")));
        }
        return out;
      }

      @Override
      public List<TrailHour> hours(Instant from, Instant to) {
        List<TrailHour> out = new ArrayList<>();
        for (Row r : in(from, to).collectAsList()) {
          out.add(trailHour(r));
        }
        return out;
      }

      @Override
      public Set<String> accounts(Instant from, Instant to) {
        Set<String> out = new TreeSet<>();
        in(from, to).select("account_id").distinct().collectAsList().forEach(r -> out.add(r.getString(0)));
        return out;
      }
    };
  }

  /** Every row of some business units (sql/ queries and tests read the same). */
  public Dataset<Row> rows(List<String> businessUnits) {
    return table.of(businessUnits);
  }

  static TrailHour trailHour(Row r) {
    String call = r.getAs("tamper_call");
    TamperCall tamper = null;
    if (call != null) {
      int colon = call.indexOf(':');
      tamper = new TamperCall(call.substring(0, colon) + ".amazonaws.com", call.substring(colon + 1),
          r.getAs("tamper_principal"), r.getAs("tamper_identity_type"),
          r.<Timestamp>getAs("tamper_time").toInstant());
    }
    return new TrailHour(r.getAs("account_id"), r.getAs("region"), r.<Timestamp>getAs("hour").toInstant(),
        r.getAs("trail"), r.<Long>getAs("events"), tamper);
  }
}
