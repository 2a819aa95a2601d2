package io.trailwatch.pipeline;

import io.trailwatch.alerting.Alert;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.delivery.Delivery;
import io.trailwatch.delivery.DeliveryOutcome;
import io.trailwatch.state.StateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery stage: every sink is sent what it has pending among some business units' alerts
 * (this run's new ones, and what earlier runs left pending), and the outcome of every attempt goes
 * to the delivery ledger. An alert a sink took is never sent to it again; one it refused for good
 * (HEC 400/401/403/413) stays failed, with its reason, for a person to look at.
 */
public final class Deliverer {
  private final StateStore state;
  private final List<AlertSink> sinks;
  private final Progress progress;

  public Deliverer(StateStore state, List<AlertSink> sinks, Progress progress) {
    this.state = state;
    this.sinks = List.copyOf(sinks);
    this.progress = progress;
  }

  /** Delivers what is pending among the alerts of hours from {@code since}. */
  public Delivery pending(List<String> businessUnits, Instant since) {
    if (sinks.isEmpty()) {
      return Delivery.none();
    }
    Map<String, List<Alert>> pending = state.deliveries().pending(businessUnits,
        sinks.stream().map(AlertSink::name).toList(), since);
    List<DeliveryOutcome> outcomes = new ArrayList<>();
    Map<String, Alert> byId = new HashMap<>();
    for (AlertSink sink : sinks) {
      List<Alert> alerts = pending.getOrDefault(sink.name(), List.of());
      alerts.forEach(a -> byId.put(a.alertId(), a));
      if (!alerts.isEmpty()) {
        outcomes.addAll(sink.send(alerts));
      }
    }
    state.deliveries().record(outcomes, byId);
    Delivery delivery = Delivery.of(outcomes);
    progress.step("delivery: " + delivery.describe());
    return delivery;
  }

  /**
   * {@code deliver} on its own: after a sink was down, or a run died between its commit and its
   * delivery. The state is checked first, as a run does.
   *
   * @param businessUnits the business units whose alerts to deliver; empty: every one with alerts
   */
  public Delivery pendingOnly(List<String> businessUnits, Instant since) {
    return state.guarded(() -> {
      state.ensureTables();
      return pending(businessUnits.isEmpty() ? state.alerts().businessUnits() : businessUnits, since);
    });
  }
}
