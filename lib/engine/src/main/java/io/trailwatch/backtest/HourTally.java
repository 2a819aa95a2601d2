package io.trailwatch.backtest;

import io.trailwatch.policy.Policy;
import java.time.Instant;
import java.util.Map;

/**
 * What one policy made of one hour: the behaviours seen (and their events, redeliveries
 * dropped), how many the baseline did not know, the candidates, the alerts, and how many
 * principals each quiet rule kept from alerting, and how many alerts prevalence moved.
 */
public record HourTally(Instant hour, int behaviors, long events, long newBehaviors, int candidates, int alerts,
    Map<Policy.Quiet, Integer> quiet, Map<Policy.Moved, Integer> moved) {
  public HourTally {
    quiet = Map.copyOf(quiet);
    moved = Map.copyOf(moved);
  }
}
