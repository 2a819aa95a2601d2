package io.trailwatch.backtest;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.Hour;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.detect.HourDecision;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One variant's hourly decisions over a backtest, on its own in-memory state: each hour is
 * decided by the hourly run's own {@link HourDecision} (as of the hour's start) and its writes
 * applied, exactly the steps of an hourly run without the tables.
 */
final class Replay {
  private final Variant variant;
  private final MemoryState memory;
  private final HourDecision decision;
  private final Set<String> anyActivity;
  private final Set<Dimension> dimensions;
  private final List<Alert> alerts = new ArrayList<>();
  private final List<HourTally> hours = new ArrayList<>();
  private final java.util.Map<String, Integer> acceptedBy = new java.util.TreeMap<>();
  /** Principals with any behaviour in the decided hours. */
  private final Set<PrincipalKey> active = new HashSet<>();

  Replay(Variant variant) {
    this.variant = variant;
    this.memory = new MemoryState(variant.config().baseline().retentionDays());
    this.decision = HourDecision.of(variant.config());
    this.anyActivity = Policy.anyActivityTypes(variant.config().policy());
    this.dimensions = variant.config().baseline().enabledDimensions();
  }

  /** The analysts' verdicts in force over the replay ({@code backtest --verdicts}). */
  void verdicts(io.trailwatch.verdict.Verdicts v) {
    memory.verdicts(v);
  }

  /** Per analyst, how many principal-hours their {@code expected} verdicts kept quiet. */
  java.util.Map<String, Integer> acceptedBy() {
    return java.util.Map.copyOf(acceptedBy);
  }

  /** The behaviours of this variant's dimensions (the shared read holds every variant's). */
  private List<HourBehavior> own(List<HourBehavior> seen) {
    return seen.stream().filter(b -> dimensions.contains(Dimension.ofKeySource(b.eventSource()))).toList();
  }

  /** The history before the first hour, as a baseline build of it stores it. */
  void seed(List<HourBehavior> seed, Instant firstHour) {
    memory.apply(Comparison.of(own(seed), List.of(), List.of(), firstHour, anyActivity));
  }

  /** One hour, in order: decided against the state as of its start ({@link HourDecision}), then merged into it. */
  void hour(Hour hour, List<HourBehavior> all) {
    List<HourBehavior> seen = own(all);
    seen.forEach(b -> active.add(new PrincipalKey(b.businessUnit(), b.accountId(), b.principal())));
    HourDecision.Result r = decision.decide(seen, hour, hour, memory.asOf(hour));
    Policy.Decision decided = r.decision();
    memory.apply(r.compared());
    r.acceptedBy().forEach((who, n) -> acceptedBy.merge(who, n, Integer::sum));
    alerts.addAll(decided.alerts());
    long events = seen.stream().filter(HourBehavior::isApi).mapToLong(HourBehavior::events).sum();
    hours.add(new HourTally(hour.start(), seen.size(), events, r.compared().newBehaviors(),
        r.compared().candidates().size(), decided.alerts().size(), decided.quiet(), decided.moved()));
  }

  int alertCount() {
    return alerts.size();
  }

  PolicyRun result() {
    return new PolicyRun(variant, alerts, hours, memory.baselineRows(), memory.principalRows(), active.size());
  }
}
