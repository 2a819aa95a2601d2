package io.trailwatch.pipeline;


import io.delta.tables.DeltaTable;
import io.trailwatch.core.Hour;
import io.trailwatch.state.StateFailures;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;

/**
 * Which hours a business unit's detect runs covered, from the run ledger: an hour is detected once
 * a detect run of it completed (its row is written last). From the BU's first detected hour on,
 * every hour that has no such run is missing: a scheduler that skipped it, a run that died.
 *
 * @param firstDetected the BU's first detected hour ever, if any
 * @param lastDetected the BU's latest detected hour, if any
 * @param detected the detected hours in the range asked for
 */
public record Coverage(Optional<Hour> firstDetected, Optional<Hour> lastDetected, TreeSet<Hour> detected) {

  /** The business unit's coverage of [from, to), from its tables ({@code store}: the BU's folder). */
  public static Coverage of(StateStore store, String businessUnit, Instant from, Instant to) {
    SparkSession spark = SparkSession.active();
    try {
      if (!DeltaTable.isDeltaTable(spark, store.path(Tables.RUNS))) {
        return new Coverage(Optional.empty(), Optional.empty(), new TreeSet<>());
      }
      TreeSet<Hour> all = new TreeSet<>();
      store.runs().detectedHours(businessUnit).forEach(h -> all.add(Hour.containing(h)));
      TreeSet<Hour> in = new TreeSet<>(all.subSet(Hour.containing(from), true, Hour.containing(to), false));
      return new Coverage(all.isEmpty() ? Optional.empty() : Optional.of(all.first()),
          all.isEmpty() ? Optional.empty() : Optional.of(all.last()), in);
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("Delta table " + store.path(Tables.RUNS), e);
    }
  }

  /** The hours in [from, to) not detected, oldest first: none before the first detected hour (nothing was due). */
  public List<Hour> missing(Instant from, Instant to) {
    List<Hour> out = new ArrayList<>();
    if (firstDetected.isEmpty()) {
      return out;
    }
    Hour h = Hour.containing(from);
    if (h.compareTo(firstDetected.get()) < 0) {
      h = firstDetected.get();
    }
    for (; h.start().isBefore(to); h = h.plusHours(1)) {
      if (!detected.contains(h)) {
        out.add(h);
      }
    }
    return out;
  }

  /** Hours as {@code 2026-11-20T14, 2026-11-20T15..2026-11-20T18}: runs of consecutive hours joined. */
  public static String describe(List<Hour> hours) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < hours.size(); ) {
      int j = i;
      while (j + 1 < hours.size() && hours.get(j + 1).equals(hours.get(j).plusHours(1))) {
        j++;
      }
      parts.add(j == i ? hours.get(i).toString() : hours.get(i) + ".." + hours.get(j));
      i = j + 1;
    }
    return String.join(", ", parts);
  }
}
