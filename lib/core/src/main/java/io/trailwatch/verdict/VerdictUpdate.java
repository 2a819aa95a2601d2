package io.trailwatch.verdict;

import io.trailwatch.alerting.Alert;
import java.util.LinkedHashMap;
import java.util.Map;

/** An analyst's verdict sent to the sinks as an update of its alert (same {@code alert_id}). */
public record VerdictUpdate(Alert alert, Verdict verdict) {
  /** The fields an update adds to the alert's event. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("update", "verdict");
    m.put("verdict", verdict.kind().label());
    m.put("verdict_by", verdict.by());
    m.put("verdict_at", verdict.at().toString());
    m.put("verdict_note", verdict.note());
    if (verdict.kind() == VerdictKind.EXPECTED) {
      m.put("verdict_scope", verdict.scope().label());
      m.put("verdict_expires_at", verdict.expiresAt() == null ? "never" : verdict.expiresAt().toString());
    }
    return m;
  }
}
