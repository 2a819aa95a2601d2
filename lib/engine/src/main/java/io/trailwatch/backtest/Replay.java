package io.trailwatch.backtest;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.Hour;
import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.HourBehavior;
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
  private final List<Alert> alerts = new ArrayList<>();
  private final List<HourTally> hours = new ArrayList<>();

  Replay(Variant variant) {
    this.variant = variant;
    this.memory = new MemoryState(variant.config().baseline().retentionDays());
    this.policy = Policy.of(variant.config());
    this.anyActivity = Policy.anyActivityTypes(variant.config().policy());
  }

  /** The history before the first hour, as a baseline build of it stores it. */
  void seed(List<HourBehavior> seed, Instant firstHour) {
    memory.apply(Comparison.of(seed, List.of(), List.of(), firstHour, anyActivity));
  }

  /** One hour, in order: compared with the state as of its start, decided, then merged into it. */
  void hour(Hour hour, List<HourBehavior> seen) {
    Comparison compared = Comparison.of(seen, memory.behaviors(Comparison.behaviorKeys(seen)),
        memory.principals(Comparison.principalKeys(seen)), hour.start(), anyActivity);
    Policy.Decision decision = policy.decide(compared.candidates(), hour, hour, memory.historyStart());
    memory.apply(compared);
    alerts.addAll(decision.alerts());
    long events = seen.stream().mapToLong(HourBehavior::events).sum();
    hours.add(new HourTally(hour.start(), seen.size(), events, compared.newBehaviors(),
        compared.candidates().size(), decision.alerts().size(), decision.quiet()));
  }

  int alertCount() {
    return alerts.size();
  }

  PolicyRun result() {
    return new PolicyRun(variant, alerts, hours, memory.baselineRows(), memory.principalRows());
  }
}
