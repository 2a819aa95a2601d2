package io.trailwatch.backtest;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.Hour;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.detect.BaselineRule;
import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.Peers;
import io.trailwatch.detect.PrincipalRows;
import io.trailwatch.detect.StateView;
import io.trailwatch.detect.Stored;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.policy.History;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline and principals tables of a replay, held in memory on the driver: what an hour's
 * {@link io.trailwatch.detect.HourDecision} reads ({@link #asOf}), and the comparison's writes
 * applied with the tables' own rule ({@link BaselineRule}). Only what a comparison reads is kept:
 * first and last seen, and expiry.
 */
final class MemoryState {
  private final int retentionDays;
  private final BaselineRule rule;
  private final Map<BehaviorKey, Stored.Behavior> baseline = new HashMap<>();
  private final Map<PrincipalKey, Stored.Principal> principals = new HashMap<>();
  private final Map<String, Instant> historyStart = new HashMap<>();
  private final Map<Dimension, Map<String, Instant>> dimensionStarts = new EnumMap<>(Dimension.class);
  /** The baseline's keys by behaviour of a business unit, with their identity type: prevalence. */
  private final Map<Peers.Key, Map<BehaviorKey, String>> holders = new HashMap<>();
  private final Map<PrincipalKey, String> principalTypes = new HashMap<>();
  /** The principals held, asked as the hourly run asks the rows it reads of the principals table. */
  private final PrincipalRows principalRows = new PrincipalRows(principals, principalTypes);
  private io.trailwatch.verdict.Verdicts verdicts = io.trailwatch.verdict.Verdicts.NONE;

  MemoryState(int retentionDays) {
    this.retentionDays = retentionDays;
    this.rule = BaselineRule.behaviors(retentionDays);
  }

  /** The verdicts in force in the replay ({@code backtest --verdicts}). */
  void verdicts(io.trailwatch.verdict.Verdicts v) {
    this.verdicts = v;
  }

  /**
   * The state as an hourly run of {@code detectHour} reads it. Every row held was first seen before
   * the hour (hours are applied in order), so history needs no filter.
   */
  StateView asOf(Hour detectHour) {
    Instant at = detectHour.start();
    return new StateView() {
      @Override
      public Rows stored(List<BehaviorKey> behaviors, List<PrincipalKey> keys) {
        return new Rows(held(behaviors, baseline), principalRows.stored(keys));
      }

      /** A replay never deletes expired rows (it has no maintain): {@link #stored} holds every one. */
      @Override
      public Map<BehaviorKey, Instant> expiredLastSeen(List<BehaviorKey> behaviors) {
        return Map.of();
      }

      @Override
      public History history() {
        return new History(historyStart, dimensionStarts);
      }

      @Override
      public PeerCounts peers(List<Peers.Key> keys) {
        return new PeerCounts(holders(keys, at), principalRows.countsByType(at, retentionDays));
      }

      @Override
      public List<Alert> recordedAlerts() {
        return List.of();
      }

      @Override
      public io.trailwatch.verdict.Verdicts verdicts() {
        return verdicts;
      }
    };
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

  /** A holder of a behaviour, as {@code BaselineTable.holders} groups them. */
  private record HolderGroup(Peers.Key behavior, String accountId, String identityType) {}

  /** {@code BaselineTable.holders} over the rows held. */
  private List<Peers.Holders> holders(List<Peers.Key> keys, Instant asOf) {
    Map<HolderGroup, Long> counts = new HashMap<>();
    for (Peers.Key k : keys) {
      for (Map.Entry<BehaviorKey, String> e : holders.getOrDefault(k, Map.of()).entrySet()) {
        Stored.Behavior b = baseline.get(e.getKey());
        if (b.firstSeen().isBefore(asOf) && b.expiresAt().isAfter(asOf)) {
          counts.merge(new HolderGroup(k, e.getKey().accountId(), e.getValue()), 1L, Long::sum);
        }
      }
    }
    List<Peers.Holders> out = new ArrayList<>();
    counts.forEach((g, n) -> out.add(new Peers.Holders(g.behavior().businessUnit(), g.accountId(), g.identityType(),
        g.behavior().eventSource(), g.behavior().eventName(), n)));
    return out;
  }

  /** Applies the writes of an hour's (or the seed's) comparison, as the two MERGEs do. */
  void apply(Comparison compared) {
    for (Stored.BehaviorWrite w : compared.behaviorWrites()) {
      Stored.Behavior b = Stored.Behavior.merged(baseline.get(w.key()), w, rule);
      baseline.put(w.key(), b);
      BehaviorKey k = w.key();
      holders.computeIfAbsent(new Peers.Key(k.businessUnit(), k.eventSource(), k.eventName()), x -> new HashMap<>())
          .put(k, w.identityType());
      Dimension d = Dimension.ofKeySource(k.eventSource());
      if (d != Dimension.API) {
        dimensionStarts.computeIfAbsent(d, x -> new HashMap<>()).merge(k.businessUnit(), b.firstSeen(),
            (x, y) -> x.isBefore(y) ? x : y);
      }
    }
    for (Stored.PrincipalWrite w : compared.principalWrites()) {
      Stored.Principal p = Stored.Principal.merged(principals.get(w.key()), w);
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
