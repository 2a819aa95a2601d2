package io.trailwatch.backtest;

import io.trailwatch.alerting.Alert;
import java.util.List;

/**
 * One variant's replay: the alerts it would have raised (hour, then principal order), a tally
 * per hour, the size of its in-memory state at the end, and how many principals were active in
 * the decided hours (the budget's denominator).
 */
public record PolicyRun(Variant variant, List<Alert> alerts, List<HourTally> hours, int baselineRows,
    int principalRows, int principalsActive) {
  public PolicyRun {
    alerts = List.copyOf(alerts);
    hours = List.copyOf(hours);
  }
}
