package io.trailwatch.pipeline;

import io.trailwatch.alerting.Alert;
import io.trailwatch.policy.Policy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one run did. {@link #toMap()} is the JSON of {@code --summary-out}. */
public record RunSummary(
    String runId,
    String command,
    List<String> businessUnits,
    Instant windowFrom,
    Instant windowTo,
    long filesRead,
    long filesQuarantined,
    long bytesRead,
    long recordsRead,
    long recordsInWindow,
    long recordsQuarantined,
    long duplicatesDropped,
    long principals,
    long behaviors,
    long newBehaviors,
    List<Alert> alerts,
    Map<Policy.Quiet, Integer> quiet,
    double seconds) {

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("command", command);
    m.put("business_units", businessUnits);
    m.put("window_from", windowFrom.toString());
    m.put("window_to", windowTo.toString());
    m.put("files_read", filesRead);
    m.put("files_quarantined", filesQuarantined);
    m.put("bytes_read", bytesRead);
    m.put("records_read", recordsRead);
    m.put("records_in_window", recordsInWindow);
    m.put("records_quarantined", recordsQuarantined);
    m.put("duplicates_dropped", duplicatesDropped);
    m.put("principals", principals);
    m.put("behaviors", behaviors);
    m.put("new_behaviors", newBehaviors);
    m.put("alerts", alerts.size());
    Map<String, Integer> q = new LinkedHashMap<>();
    quiet.forEach((k, v) -> q.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
    m.put("quiet_principals", q);
    m.put("seconds", Math.round(seconds * 100) / 100.0);
    return m;
  }
}
