package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.AlertJson;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.policy.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One alert as one HEC event: {@code {"time", "host", "source", "sourcetype", "index", "event"}}
 * with {@code event} = the alert's own fields ({@link AlertJson}) plus the Splunk CIM Alerts
 * fields, so that the alerts drop into existing CIM searches and dashboards.
 */
public final class HecEvents {
  /** CIM {@code app}. */
  public static final String APP = "trailwatch";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HecEvents() {}

  /** The envelope with the event in it, as sent. Absent index and host are left out (the token's defaults). */
  public static Map<String, Object> envelope(Alert a, HecSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", eventTime(a).getEpochSecond());
    if (s.host() != null) {
      m.put("host", s.host());
    }
    m.put("source", s.source());
    m.put("sourcetype", s.sourcetype());
    if (s.index() != null) {
      m.put("index", s.index());
    }
    m.put("event", event(a));
    return m;
  }

  /** The envelope as UTF-8 JSON, one line. */
  public static byte[] bytes(Alert a, HecSettings s) {
    try {
      return JSON.writeValueAsBytes(envelope(a, s));
    } catch (JsonProcessingException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot write alert %s as a HEC event", a.alertId());
    }
  }

  /** The alert's fields, then the CIM Alerts fields (which replace {@code severity} with CIM's word for it). */
  public static Map<String, Object> event(Alert a) {
    Map<String, Object> e = AlertJson.toMap(a);
    boolean anyActivity = a.newBehaviors().stream().anyMatch(NewBehavior::known);
    e.put("app", APP);
    e.put("severity", cimSeverity(a.severity()));
    e.put("signature", (anyActivity ? "Activity by " : "New behaviour by ") + a.identityType());
    e.put("signature_id", anyActivity ? "trailwatch:any-activity" : "trailwatch:new-behavior");
    e.put("user", a.principal());
    e.put("src", a.sourceIps());
    e.put("dest", a.accountId());
    e.put("description", a.principal() + " (" + a.identityType() + ") in account " + a.accountId()
        + " (business unit " + a.businessUnit() + "), hour " + a.hour() + ": " + a.reason());
    e.put("id", a.alertId());
    e.put("type", "alert");
    return e;
  }

  /** CIM's severity words: critical, high, medium, low, informational. */
  public static String cimSeverity(Severity s) {
    return s == Severity.INFO ? "informational" : s.label();
  }

  /** When it happened: the earliest first call among its behaviours, else the alert's hour. */
  static Instant eventTime(Alert a) {
    return a.newBehaviors().stream().map(NewBehavior::firstTime).min(Instant::compareTo).orElse(a.hour());
  }
}
