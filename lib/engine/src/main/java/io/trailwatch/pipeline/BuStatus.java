package io.trailwatch.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import io.trailwatch.core.Hour;
import io.trailwatch.delivery.DeliveryStatus;
import io.trailwatch.lease.LeaseHolder;
import io.trailwatch.lease.Leases;
import io.trailwatch.state.StateFailures;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.TableStats;
import io.trailwatch.state.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How one business unit stands, for {@code trailwatch status}: what it detected and missed, who
 * writes it now, what its alerts still wait for, when it was last maintained and how big its
 * tables are. Read only: it takes no lease.
 *
 * @param missing the hours of the range asked for that no detect run completed, oldest first
 * @param sinks per sink, the alerts of the range still pending there and those it refused for good
 * @param lastMaintain the last time maintain changed a table (Delta's history: OPTIMIZE, VACUUM, DELETE, properties)
 * @param tables per table that exists, its files and bytes
 * @param neverDelivered listed accounts that never delivered, as the latest detect run found them (docs/coverage.md)
 */
public record BuStatus(String businessUnit, Optional<Hour> lastDetected, List<Hour> missing,
    Optional<LeaseHolder> holder, Map<String, Sink> sinks, Optional<Instant> lastMaintain,
    Map<String, TableStats> tables, List<String> neverDelivered) {

  /** One sink's alerts of the range: pending (retried by every run and by deliver) and failed (a person must look). */
  public record Sink(int pending, long failed) {}

  /** Delta operations only maintain makes on a BU's tables. */
  static final List<String> MAINTENANCE = List.of("OPTIMIZE", "VACUUM END", "SET TBLPROPERTIES", "DELETE");

  /** All is well: no hour missing, no alert refused for good. Pending alerts and a busy lease are normal. */
  public boolean healthy() {
    return missing.isEmpty() && sinks.values().stream().allMatch(s -> s.failed() == 0);
  }

  /** The business unit's status over the hours [from, to). */
  public static BuStatus of(SparkSession spark, StateStore store, String bu, Leases leases, Instant from, Instant to) {
    Coverage c = Coverage.of(store, bu, from, to);
    try {
      Map<String, TableStats> tables = new TreeMap<>();
      Instant maintained = null;
      for (String t : Tables.ALL) {
        if (DeltaTable.isDeltaTable(spark, store.path(t))) {
          tables.put(t, TableStats.of(spark, store.path(t), null));
          Row r = DeltaTable.forPath(spark, store.path(t)).history()
              .filter(col("operation").isin(MAINTENANCE.toArray())).agg(max("timestamp")).first();
          if (!r.isNullAt(0)) {
            Instant at = r.<Timestamp>getAs(0).toInstant();
            maintained = maintained == null || at.isAfter(maintained) ? at : maintained;
          }
        }
      }
      return new BuStatus(bu, c.lastDetected(), c.missing(from, to), leases.holder(bu),
          sinks(store, bu, tables, from), Optional.ofNullable(maintained), tables,
          tables.containsKey(Tables.RUNS) ? store.runs().neverDelivered(bu) : List.of());
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("the state at " + store.root(), e);
    }
  }

  private static Map<String, Sink> sinks(StateStore store, String bu, Map<String, TableStats> tables, Instant from) {
    Map<String, Sink> out = new LinkedHashMap<>();
    if (!tables.containsKey(Tables.DELIVERIES) || !tables.containsKey(Tables.ALERTS)) {
      return out;
    }
    List<String> sinks = store.deliveries().rows(List.of(bu)).select("sink").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
    Map<String, List<io.trailwatch.alerting.Alert>> pending = store.deliveries().pending(List.of(bu), sinks, from);
    for (String s : sinks) {
      long failed = store.deliveries().rows(List.of(bu)).filter(col("sink").equalTo(s)
          .and(col("status").equalTo(DeliveryStatus.FAILED.label())).and(col("hour").geq(Timestamp.from(from))))
          .count();
      out.put(s, new Sink(pending.get(s).size(), failed));
    }
    return out;
  }
}
