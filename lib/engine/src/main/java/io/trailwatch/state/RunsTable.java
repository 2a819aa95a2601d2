package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;

import io.trailwatch.core.RunKind;
import io.trailwatch.core.RunSummary;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** The run ledger: one row per completed run (an hour detected, a chunk of a baseline build). Append-only. */
public final class RunsTable {
  private final TableHandle table;

  RunsTable(TableHandle table) {
    this.table = table;
  }

  private static Column completed() {
    return col("status").equalTo(RunStatus.COMPLETED.label());
  }

  /** The hours in [from, to) that a completed detect run covered, each with the business units it covered. */
  public Map<Instant, Set<String>> detectedHours(List<String> businessUnits, Instant from, Instant to) {
    Map<Instant, Set<String>> out = new TreeMap<>();
    for (Row r : table.current()
        .filter(col("command").equalTo(RunKind.DETECT.label()).and(completed())
            .and(col("window_from").geq(Timestamp.from(from))).and(col("window_from").lt(Timestamp.from(to)))
            .and(functions.arrays_overlap(col("business_units"),
                functions.array(businessUnits.stream().map(functions::lit).toArray(Column[]::new)))))
        .select("window_from", "business_units").collectAsList()) {
      Set<String> units = out.computeIfAbsent(r.<Timestamp>getAs("window_from").toInstant(), h -> new TreeSet<>());
      for (Object bu : r.getList(r.fieldIndex("business_units"))) {
        if (businessUnits.contains(bu)) {
          units.add((String) bu);
        }
      }
    }
    return out;
  }

  /** Every hour that a completed detect run covered for {@code businessUnit}, oldest first. */
  public TreeSet<Instant> detectedHours(String businessUnit) {
    TreeSet<Instant> out = new TreeSet<>();
    for (Row r : table.current()
        .filter(col("command").equalTo(RunKind.DETECT.label()).and(completed())
            .and(functions.array_contains(col("business_units"), businessUnit)))
        .select("window_from").distinct().collectAsList()) {
      out.add(r.<Timestamp>getAs("window_from").toInstant());
    }
    return out;
  }

  /** A completed chunk of a baseline build, as the run ledger holds it. */
  public record BuildChunk(String runId, Instant from, Instant to, Instant finishedAt) {}

  /** The chunks of baseline build {@code build} that completed runs recorded, in the order they finished. */
  public List<BuildChunk> buildChunks(String build) {
    List<BuildChunk> out = new ArrayList<>();
    for (Row r : table.current().filter(col("build").equalTo(build).and(completed()))
        .select("run_id", "window_from", "window_to", "finished_at").collectAsList()) {
      out.add(new BuildChunk(r.getAs("run_id"), r.<Timestamp>getAs("window_from").toInstant(),
          r.<Timestamp>getAs("window_to").toInstant(), r.<Timestamp>getAs("finished_at").toInstant()));
    }
    out.sort(Comparator.comparing(BuildChunk::finishedAt).thenComparing(BuildChunk::from));
    return out;
  }

  /** The end of the last completed run of each of {@code businessUnits} that has one. */
  public Map<String, Instant> lastCompleted(List<String> businessUnits) {
    Map<String, Instant> out = new TreeMap<>();
    for (Row r : table.current().where(completed())
        .select(functions.explode(col("business_units")).as("bu"), col("window_to"))
        .where(col("bu").isin((Object[]) businessUnits.toArray(new String[0])))
        .groupBy("bu").agg(functions.max("window_to").as("last")).collectAsList()) {
      out.put(r.getAs("bu"), r.<Timestamp>getAs("last").toInstant());
    }
    return out;
  }

  /**
   * The listed accounts that never delivered, as the latest completed detect run of {@code bu}
   * found them (empty when none did, or before any run judged it: docs/coverage.md).
   */
  public List<String> neverDelivered(String bu) {
    List<Row> last = table.current().where(completed().and(col("command").equalTo(RunKind.DETECT.label()))
            .and(functions.array_contains(col("business_units"), bu)))
        .orderBy(col("window_from").desc(), col("finished_at").desc()).select("never_delivered").limit(1)
        .collectAsList();
    if (last.isEmpty() || last.get(0).isNullAt(0)) {
      return List.of();
    }
    return last.get(0).<String>getList(0).stream().sorted().toList();
  }

  /**
   * Appends a completed run (a blind append: never conflicts with another job). Written last by a
   * run: an hour counts as detected only once everything else is stored. {@code build} names the
   * baseline build a chunk belongs to (null for other runs), so that a rerun of the same build
   * finds the chunks already done ({@link #buildChunks}).
   */
  public void record(RunSummary s, Instant started, String version, String build) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("run_id", s.runId());
    v.put("command", s.command());
    v.put("business_units", s.businessUnits().toArray());
    v.put("window_from", Timestamp.from(s.windowFrom()));
    v.put("window_to", Timestamp.from(s.windowTo()));
    v.put("started_at", Timestamp.from(started));
    v.put("finished_at", Timestamp.from(table.clock().instant()));
    v.put("status", RunStatus.COMPLETED.label());
    v.put("files_read", s.filesRead());
    v.put("files_quarantined", s.filesQuarantined());
    v.put("records_read", s.recordsRead());
    v.put("records_quarantined", s.recordsQuarantined());
    v.put("duplicates_dropped", s.duplicatesDropped());
    v.put("principals", s.principals());
    v.put("new_behaviors", s.newBehaviors());
    v.put("alerts", (long) s.alerts().size());
    v.put("seconds", s.seconds());
    v.put("version", version);
    v.put("accounts", s.accountsPerBusinessUnit().isEmpty() ? null
        : scala.collection.JavaConverters.mapAsScalaMap(new TreeMap<>(s.accountsPerBusinessUnit())));
    v.put("build", build);
    v.put("never_delivered", s.command().equals(RunKind.DETECT.label()) ? s.neverDelivered().toArray() : null);
    table.append(List.of(Tables.RUNS_TABLE.row(v)));
  }
}
