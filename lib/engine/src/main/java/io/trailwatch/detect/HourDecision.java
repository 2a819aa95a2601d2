package io.trailwatch.detect;

import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.History;
import io.trailwatch.policy.Policy;
import java.util.List;
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

  public HourDecision(Policy policy, Set<String> anyActivityTypes) {
    this.policy = policy;
    this.anyActivityTypes = Set.copyOf(anyActivityTypes);
  }

  public static HourDecision of(TrailwatchConfig cfg) {
    return new HourDecision(Policy.of(cfg), Policy.anyActivityTypes(cfg.policy()));
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
    // Prevalence moves severity, never whether an alert is made: looked up only for principals that alert.
    List<Peers.Key> wanted = Peers.wanted(candidates, policy.alerting(candidates, eventHour, detectHour, history));
    if (!wanted.isEmpty()) {
      StateView.PeerCounts peers = state.peers(wanted);
      candidates = Peers.withPrevalence(candidates, wanted, peers.holders(), peers.typeCounts());
    }
    return new Result(compared, policy.decide(candidates, eventHour, detectHour, history));
  }
}
