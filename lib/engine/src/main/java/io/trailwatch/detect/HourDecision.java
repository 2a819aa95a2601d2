package io.trailwatch.detect;

import io.trailwatch.config.BaselineConfig;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.core.Hour;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.History;
import io.trailwatch.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one decision of an hour, for the hourly run and the backtest alike: the hour's behaviours
 * compared with the state as of the detect hour ({@link Comparison}), the prevalence of what
 * would alert looked up among peers ({@link Peers}), and the policy's alerts
 * ({@link Policy#decide}). Pure: it reads the state only through a {@link StateView} and writes
 * nothing; the caller applies {@link Comparison#behaviorWrites} and the alerts.
 */
public final class HourDecision {
  private final Policy policy;
  private final Set<String> anyActivityTypes;
  private final Duration returningHorizon;

  public HourDecision(Policy policy, Set<String> anyActivityTypes) {
    this(policy, anyActivityTypes, BaselineConfig.defaults().returningHorizonDays());
  }

  /** @param returningHorizonDays new behaviour last seen longer ago than this is never seen, not returning */
  public HourDecision(Policy policy, Set<String> anyActivityTypes, int returningHorizonDays) {
    this.policy = policy;
    this.anyActivityTypes = Set.copyOf(anyActivityTypes);
    this.returningHorizon = Duration.ofDays(returningHorizonDays);
  }

  public static HourDecision of(TrailwatchConfig cfg) {
    return new HourDecision(Policy.of(cfg), Policy.anyActivityTypes(cfg.policy()),
        cfg.baseline().returningHorizonDays());
  }

  /** An event hour's comparison and decision. */
  public record Result(Comparison compared, Policy.Decision decision) {}

  /**
   * @param eventHour the hour the behaviours happened in
   * @param detectHour the hourly run deciding (later than {@code eventHour} for late files); the state is as of its start
   */
  public Result decide(List<HourBehavior> seen, Hour eventHour, Hour detectHour, StateView state) {
    StateView.Rows stored = state.stored(Comparison.behaviorKeys(seen), Comparison.principalKeys(seen));
    Comparison compared = Comparison.of(seen, stored.behaviors(), stored.principals(), detectHour.start(),
        anyActivityTypes);
    History history = state.history();
    List<Candidate> candidates = compared.candidates();
    // Prevalence and returning move severity, never whether an alert is made: looked up only for principals that alert.
    Set<PrincipalKey> alerting = policy.alerting(candidates, eventHour, detectHour, history);
    candidates = returning(candidates, alerting, detectHour, state);
    List<Peers.Key> wanted = Peers.wanted(candidates, alerting);
    if (!wanted.isEmpty()) {
      StateView.PeerCounts peers = state.peers(wanted);
      candidates = Peers.withPrevalence(candidates, wanted, peers.holders(), peers.typeCounts());
    }
    return new Result(compared, policy.decide(candidates, eventHour, detectHour, history));
  }

  /**
   * The new behaviours that are returning: their baseline row expired before the detect hour
   * ({@link Comparison} found its last sighting), or {@code maintain} moved it to the memory of
   * expired behaviours ({@link StateView#expiredLastSeen}, asked only for the others of principals
   * that alert); a last sighting longer than the returning horizon before the detect hour counts
   * as never seen.
   */
  private List<Candidate> returning(List<Candidate> candidates, Set<PrincipalKey> alerting, Hour detectHour,
      StateView state) {
    List<BehaviorKey> unknown = candidates.stream()
        .filter(c -> !c.known() && c.lastSeen() == null && alerting.contains(c.principalKey()))
        .map(HourDecision::key).distinct().toList();
    Map<BehaviorKey, Instant> expired = unknown.isEmpty() ? Map.of() : state.expiredLastSeen(unknown);
    Instant horizon = detectHour.start().minus(returningHorizon);
    List<Candidate> out = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      Instant lastSeen = c.known() ? null : c.lastSeen() != null ? c.lastSeen() : expired.get(key(c));
      out.add(c.withLastSeen(lastSeen == null || lastSeen.isBefore(horizon) ? null : lastSeen));
    }
    return out;
  }

  private static BehaviorKey key(Candidate c) {
    return new BehaviorKey(c.businessUnit(), c.accountId(), c.principal(), c.eventSource(), c.eventName());
  }
}
