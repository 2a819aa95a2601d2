package io.trailwatch.backtest;

import io.trailwatch.detect.Comparison;
import io.trailwatch.state.BaselineTable;
import io.trailwatch.state.PrincipalsTable;
import io.trailwatch.state.Stored;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline and principals tables of a replay, held in memory on the driver: the stored rows
 * an hour asks for, and the comparison's writes applied with the tables' own MERGE rules
 * ({@link BaselineTable#merged}, {@link PrincipalsTable#merged}). Only what a comparison reads
 * is kept: first and last seen, and expiry.
 */
final class MemoryState {
  private final int retentionDays;
  private final Map<Stored.BehaviorKey, Stored.Behavior> baseline = new HashMap<>();
  private final Map<Stored.PrincipalKey, Stored.Principal> principals = new HashMap<>();
  private final Map<String, Instant> historyStart = new HashMap<>();

  MemoryState(int retentionDays) {
    this.retentionDays = retentionDays;
  }

  /** The stored rows of {@code keys}, as {@link BaselineTable#stored} returns them. */
  List<Stored.Behavior> behaviors(List<Stored.BehaviorKey> keys) {
    return held(keys, baseline);
  }

  /** The stored rows of {@code keys}, as {@link PrincipalsTable#stored} returns them. */
  List<Stored.Principal> principals(List<Stored.PrincipalKey> keys) {
    return held(keys, principals);
  }

  private static <K, V> List<V> held(List<K> keys, Map<K, V> rows) {
    List<V> out = new ArrayList<>();
    for (K k : keys) {
      V v = rows.get(k);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * Per business unit, the first time anything was seen: {@code StateStore.historyStart} as of
   * the next hour (every row held was first seen before it, since hours are applied in order).
   */
  Map<String, Instant> historyStart() {
    return Map.copyOf(historyStart);
  }

  /** Applies the writes of an hour's (or the seed's) comparison, as the two MERGEs do. */
  void apply(Comparison compared) {
    for (Stored.BehaviorWrite w : compared.behaviorWrites()) {
      baseline.put(w.key(), BaselineTable.merged(baseline.get(w.key()), w, retentionDays));
    }
    for (Stored.PrincipalWrite w : compared.principalWrites()) {
      Stored.Principal p = PrincipalsTable.merged(principals.get(w.key()), w);
      principals.put(w.key(), p);
      historyStart.merge(w.key().businessUnit(), p.firstSeen(), (a, b) -> a.isBefore(b) ? a : b);
    }
  }

  int baselineRows() {
    return baseline.size();
  }

  int principalRows() {
    return principals.size();
  }
}
