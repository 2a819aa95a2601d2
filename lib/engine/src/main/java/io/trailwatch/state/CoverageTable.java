package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.trailwatch.detect.CoverageView;
import io.trailwatch.detect.CoverageView.TrailRate;
import io.trailwatch.detect.SilentTrails;
import io.trailwatch.detect.TrailHour;
import io.trailwatch.ingest.TamperCall;
import io.trailwatch.ingest.TrailRead;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
    SparkSession on = table.mergeSession();
    Dataset<Row> src = TableHandle.held(on, rows, Tables.COVERAGE_SCHEMA);
    table.beforeCommit();
    DeltaTable.forPath(on, table.path()).as("t")
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
   * What a run reads of the ledger ({@link #reads}): the silent-trail rule's answers per business
   * unit, and whether the ledger already holds rows of the run's detect hour ({@link
   * #holdsDetectHour}: a rerun, whose rows then MERGE).
   */
  public record Reads(Map<String, CoverageView.Answers> answers, boolean holdsDetectHour) {
    public Reads {
      answers = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(answers));
    }
  }

  /**
   * What a run reads of the ledger for the hour {@code detectHour}, for every business unit of the
   * run at once, from the rows {@link #view} reads: the hours observed ({@link SilentTrails#windows})
   * and whether rows of {@code detectHour} are there already, one query for all; then, for the
   * business units whose ledger holds at least {@code minHistoryHours} observed hours (the rule
   * reads nothing more of the others), the rates, accounts and recent rows, one query for all.
   * {@link #view}'s reads cost one query per business unit for the first, three more for the rest,
   * and {@link #holdsDetectHour} one (each a Delta scan, its file listing and a few jobs).
   */
  public Reads reads(List<String> businessUnits, Instant detectHour, SilentTrails.Windows w, int minHistoryHours) {
    Map<String, CoverageView.Answers> out = new java.util.TreeMap<>();
    businessUnits.forEach(bu -> out.put(bu, CoverageView.Answers.observedOnly(0)));
    if (table.knownEmpty()) {
      return new Reads(out, false);
    }
    Timestamp h = Timestamp.from(detectHour);
    Column inRates = col("hour").geq(Timestamp.from(w.from())).and(col("hour").lt(Timestamp.from(w.streakStart())));
    List<String> judged = new ArrayList<>();
    boolean holds = false;
    for (Row r : table.current(businessUnits)
        .filter(col("detect_hour").lt(h).and(inRates).or(col("detect_hour").equalTo(h)))
        .groupBy("business_unit")
        .agg(countDistinct(when(col("detect_hour").lt(h), col("hour"))).as("observed"),
            max(col("detect_hour").equalTo(h)).as("holds"))
        .collectAsList()) {
      String bu = r.getAs("business_unit");
      long observed = r.<Long>getAs("observed");
      holds |= r.<Boolean>getAs("holds");
      out.put(bu, CoverageView.Answers.observedOnly(observed));
      if (observed >= minHistoryHours) {
        judged.add(bu);
      }
    }
    if (judged.isEmpty()) {
      return new Reads(out, holds);
    }
    Dataset<Row> before = table.current(businessUnits).filter(col("detect_hour").lt(h));
    Dataset<Row> of = judged.size() == businessUnits.size() ? before
        : before.filter(col("business_unit").isin(judged.toArray()));
    // Rates over [from, streakStart) and accounts over [from, hour): a group per account-region
    // with a row in [from, hour).
    Dataset<Row> groups = of.filter(col("hour").geq(Timestamp.from(w.from()))
        .and(col("hour").lt(Timestamp.from(detectHour))))
        .groupBy("business_unit", "account_id", "region")
        .agg(first(when(inRates, col("trail")), true).as("trail"),
            countDistinct(when(inRates.and(col("events").gt(0)), col("hour"))).as("active"),
            max(when(inRates, lit(true))).as("in_rates"))
        .withColumn("part", lit("group"));
    Dataset<Row> recent = of.filter(col("hour").geq(Timestamp.from(w.recentFrom()))
        .and(col("hour").lt(Timestamp.from(w.end()))))
        .select(col("business_unit"), col("account_id"), col("region"), col("hour"), col("trail"), col("events"),
            col("tamper_call"), col("tamper_principal"), col("tamper_identity_type"), col("tamper_time"))
        .withColumn("part", lit("recent"));
    Map<String, List<TrailRate>> rates = new HashMap<>();
    Map<String, Set<String>> accounts = new HashMap<>();
    Map<String, List<TrailHour>> hours = new HashMap<>();
    for (Row r : groups.unionByName(recent, true).collectAsList()) {
      String bu = r.getAs("business_unit");
      if (r.<String>getAs("part").equals("group")) {
        accounts.computeIfAbsent(bu, b -> new TreeSet<>()).add(r.getAs("account_id"));
        if (Boolean.TRUE.equals(r.getAs("in_rates"))) {
          rates.computeIfAbsent(bu, b -> new ArrayList<>()).add(new TrailRate(r.getAs("account_id"),
              r.getAs("region"), r.getAs("trail"), r.<Long>getAs("active")));
        }
      } else {
        hours.computeIfAbsent(bu, b -> new ArrayList<>()).add(trailHour(r));
      }
    }
    for (String bu : judged) {
      List<TrailRate> rs = new ArrayList<>(rates.getOrDefault(bu, List.of()));
      rs.sort(Comparator.comparing(TrailRate::accountId).thenComparing(TrailRate::region));
      out.put(bu, new CoverageView.Answers(out.get(bu).observedHours(), rs, accounts.getOrDefault(bu, Set.of()),
          hours.getOrDefault(bu, List.of())));
    }
    return new Reads(out, holds);
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
