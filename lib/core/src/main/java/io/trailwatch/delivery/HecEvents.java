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
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

  /**
   * The envelope with the event in it, as sent at {@code sentAt}. Absent index and host are left
   * out (the token's defaults).
   *
   * <p>{@code time} (Splunk's {@code _time}) is when the alert is sent, not when its calls were
   * made: an alert reaches Splunk an hour or more after its first call (the hour must end, its
   * files arrive, the run finish), so a scheduled search over the last hour by {@code _time}
   * would miss it. Sent time puts every alert in the search window of the hour it arrives in,
   * also one delivered late after HEC was down. The event keeps {@code hour} and
   * {@code first_time} (the earliest first call) for the analyst.
   */
  public static Map<String, Object> envelope(Alert a, HecSettings s, Instant sentAt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", sentAt.getEpochSecond());
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
  public static byte[] bytes(Alert a, HecSettings s, Instant sentAt) {
    try {
      return JSON.writeValueAsBytes(envelope(a, s, sentAt));
    } catch (JsonProcessingException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot write alert %s as a HEC event", a.alertId());
    }
  }

  /** An analyst's verdict as an update of its alert's event: the same fields and {@code alert_id}, plus the verdict. */
  public static byte[] updateBytes(io.trailwatch.verdict.VerdictUpdate u, HecSettings s, Instant sentAt) {
    Map<String, Object> m = envelope(u.alert(), s, sentAt);
    @SuppressWarnings("unchecked")
    Map<String, Object> e = (Map<String, Object>) m.get("event");
    e.putAll(u.fields());
    try {
      return JSON.writeValueAsBytes(m);
    } catch (JsonProcessingException ex) {
      throw TrailwatchException.wrap(ErrorCode.BUG, ex, "Cannot write the verdict on %s as a HEC event",
          u.alert().alertId());
    }
  }

  /**
   * The alert's fields, then the CIM Alerts fields (which replace {@code severity} with CIM's word
   * for it). Lists land in Splunk as {@code name{}}, so each CIM field is one value: {@code src}
   * the first source IP (all of them in {@code source_ips}), {@code vendor_region} the first region
   * ({@code regions}), {@code mitre_technique_id} the technique of the first new behaviour that has
   * one (all in {@code mitre_technique_ids}; both absent when none has).
   */
  public static Map<String, Object> event(Alert a) {
    Map<String, Object> e = AlertJson.toMap(a);
    boolean anyActivity = a.newBehaviors().stream().anyMatch(NewBehavior::known);
    e.put("first_time", firstCall(a).toString());
    e.put("app", APP);
    e.put("severity", cimSeverity(a.severity()));
    e.put("severity_id", severityId(a.severity()));
    if (a.trailSilent()) {
      e.put("signature", "CloudTrail delivery stopped");
      e.put("signature_id", "trailwatch:trail-silent");
      e.put("mitre_technique_id", "T1562.008");
    } else {
      e.put("signature", (anyActivity ? "Activity by " : "New behaviour by ") + a.identityType());
      e.put("signature_id", anyActivity ? "trailwatch:any-activity" : "trailwatch:new-behavior");
    }
    e.put("user", a.principal());
    e.put("src", a.sourceIps().isEmpty() ? null : a.sourceIps().get(0));
    e.put("dest", a.accountId());
    e.put("vendor_account", a.accountId());
    e.put("vendor_region", a.regions().isEmpty() ? null : a.regions().get(0));
    List<String> techniques = a.newBehaviors().stream().map(NewBehavior::mitreTechniqueId).filter(Objects::nonNull)
        .distinct().toList();
    if (!techniques.isEmpty()) {
      e.put("mitre_technique_id", techniques.get(0));
      e.put("mitre_technique_ids", techniques);
    }
    e.put("description", a.principal() + " (" + a.identityType() + ") in account " + a.accountId()
        + " (business unit " + a.businessUnit() + "), hour " + a.hour() + ": " + a.reason());
    e.put("id", a.alertId());
    e.put("type", "alert");
    return e;
  }

  /** CIM {@code severity_id}: 1 informational, 2 low, 3 medium, 4 high, 5 critical (OCSF's numbering). */
  public static int severityId(Severity s) {
    return switch (s) {
      case INFO -> 1;
      case LOW -> 2;
      case MEDIUM -> 3;
      case HIGH -> 4;
      case CRITICAL -> 5;
    };
  }

  /** CIM's severity words: critical, high, medium, low, informational. */
  public static String cimSeverity(Severity s) {
    return s == Severity.INFO ? "informational" : s.label();
  }

  /** When it happened: the earliest first call among its behaviours, else the alert's hour. */
  static Instant firstCall(Alert a) {
    return a.newBehaviors().stream().map(NewBehavior::firstTime).min(Instant::compareTo).orElse(a.hour());
  }
}
