package io.trailwatch.backtest;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.Hour;
import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.detect.Peers;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.History;
import io.trailwatch.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One variant's hourly decisions over a backtest, on its own in-memory state: each hour is
 * compared ({@link Comparison#of}, as of the hour's start), decided ({@link Policy#decide}) and
 * its writes applied, exactly the steps of an hourly run without the tables.
 */
final class Replay {
  private final Variant variant;
  private final MemoryState memory;
  private final Policy policy;
  private final Set<String> anyActivity;
  private final Set<Dimension> dimensions;
  private final List<Alert> alerts = new ArrayList<>();
  private final List<HourTally> hours = new ArrayList<>();

  Replay(Variant variant) {
    this.variant = variant;
    this.memory = new MemoryState(variant.config().baseline().retentionDays());
    this.policy = Policy.of(variant.config());
    this.anyActivity = Policy.anyActivityTypes(variant.config().policy());
    this.dimensions = variant.config().baseline().enabledDimensions();
  }

  /** The behaviours of this variant's dimensions (the shared read holds every variant's). */
  private List<HourBehavior> own(List<HourBehavior> seen) {
    return seen.stream().filter(b -> dimensions.contains(Dimension.ofKeySource(b.eventSource()))).toList();
  }

  /** The history before the first hour, as a baseline build of it stores it. */
  void seed(List<HourBehavior> seed, Instant firstHour) {
    memory.apply(Comparison.of(own(seed), List.of(), List.of(), firstHour, anyActivity));
  }

  /** One hour, in order: compared with the state as of its start, decided, then merged into it. */
  void hour(Hour hour, List<HourBehavior> all) {
    List<HourBehavior> seen = own(all);
    Comparison compared = Comparison.of(seen, memory.behaviors(Comparison.behaviorKeys(seen)),
        memory.principals(Comparison.principalKeys(seen)), hour.start(), anyActivity);
    History history = memory.history();
    List<Candidate> candidates = compared.candidates();
    List<Peers.Key> wanted = Peers.wanted(candidates, policy.alerting(candidates, hour, hour, history));
    if (!wanted.isEmpty()) {
      candidates = Peers.withPrevalence(candidates, wanted, memory.holders(wanted, hour.start()),
          memory.countsByType(hour.start()));
    }
    Policy.Decision decision = policy.decide(candidates, hour, hour, history);
    memory.apply(compared);
    alerts.addAll(decision.alerts());
    long events = seen.stream().filter(HourBehavior::isApi).mapToLong(HourBehavior::events).sum();
    hours.add(new HourTally(hour.start(), seen.size(), events, compared.newBehaviors(),
        compared.candidates().size(), decision.alerts().size(), decision.quiet(), decision.moved()));
  }

  int alertCount() {
    return alerts.size();
  }

  PolicyRun result() {
    return new PolicyRun(variant, alerts, hours, memory.baselineRows(), memory.principalRows());
  }
}
