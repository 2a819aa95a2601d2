package io.trailwatch.backtest;

import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.Peers;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.policy.History;
import java.time.Duration;
import java.util.EnumMap;
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
  private final Map<Dimension, Map<String, Instant>> dimensionStarts = new EnumMap<>(Dimension.class);
  /** The baseline's keys by behaviour of a business unit, with their identity type: prevalence. */
  private final Map<Peers.Key, Map<Stored.BehaviorKey, String>> holders = new HashMap<>();
  private final Map<Stored.PrincipalKey, String> principalTypes = new HashMap<>();

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
  History history() {
    return new History(historyStart, dimensionStarts);
  }

  /** {@code BaselineTable.holders} over the rows held. */
  List<Peers.Holders> holders(List<Peers.Key> keys, Instant asOf) {
    Map<List<String>, Long> counts = new HashMap<>();
    for (Peers.Key k : keys) {
      for (Map.Entry<Stored.BehaviorKey, String> e : holders.getOrDefault(k, Map.of()).entrySet()) {
        Stored.Behavior b = baseline.get(e.getKey());
        if (b.firstSeen().isBefore(asOf) && b.expiresAt().isAfter(asOf)) {
          counts.merge(List.of(k.businessUnit(), e.getKey().accountId(), e.getValue(), k.eventSource(), k.eventName()),
              1L, Long::sum);
        }
      }
    }
    List<Peers.Holders> out = new ArrayList<>();
    counts.forEach((k, n) -> out.add(new Peers.Holders(k.get(0), k.get(1), k.get(2), k.get(3), k.get(4), n)));
    return out;
  }

  /** {@code PrincipalsTable.countsByType} over the rows held. */
  List<Peers.TypeCount> countsByType(Instant asOf) {
    Instant since = asOf.minus(Duration.ofDays(retentionDays));
    Map<List<String>, Long> counts = new HashMap<>();
    for (Stored.Principal p : principals.values()) {
      if (p.firstSeen().isBefore(asOf) && !p.lastSeen().isBefore(since)) {
        counts.merge(List.of(p.key().businessUnit(), p.key().accountId(), principalTypes.get(p.key())), 1L, Long::sum);
      }
    }
    List<Peers.TypeCount> out = new ArrayList<>();
    counts.forEach((k, n) -> out.add(new Peers.TypeCount(k.get(0), k.get(1), k.get(2), n)));
    return out;
  }

  /** Applies the writes of an hour's (or the seed's) comparison, as the two MERGEs do. */
  void apply(Comparison compared) {
    for (Stored.BehaviorWrite w : compared.behaviorWrites()) {
      Stored.Behavior b = BaselineTable.merged(baseline.get(w.key()), w, retentionDays);
      baseline.put(w.key(), b);
      Stored.BehaviorKey k = w.key();
      holders.computeIfAbsent(new Peers.Key(k.businessUnit(), k.eventSource(), k.eventName()), x -> new HashMap<>())
          .put(k, w.identityType());
      Dimension d = Dimension.ofKeySource(k.eventSource());
      if (d != Dimension.API) {
        dimensionStarts.computeIfAbsent(d, x -> new HashMap<>()).merge(k.businessUnit(), b.firstSeen(),
            (x, y) -> x.isBefore(y) ? x : y);
      }
    }
    for (Stored.PrincipalWrite w : compared.principalWrites()) {
      Stored.Principal p = PrincipalsTable.merged(principals.get(w.key()), w);
      principals.put(w.key(), p);
      principalTypes.put(w.key(), w.identityType());
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
