package io.trailwatch.alerting;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.core.TrailwatchException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of an alert (the {@code --alerts-out} lines and the event body sent to sinks). */
public final class AlertJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertJson() {}

  public static Map<String, Object> toMap(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alert_id", a.alertId());
    m.put("hour", a.hour().toString());
    m.put("detect_hour", a.detectHour().toString());
    m.put("account_id", a.accountId());
    m.put("business_unit", a.businessUnit());
    m.put("principal", a.principal());
    m.put("identity_type", a.identityType());
    m.put("severity", a.severity().label());
    m.put("late", a.late());
    List<Map<String, Object>> nb = new ArrayList<>();
    for (NewBehavior b : a.newBehaviors()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("event_source", b.eventSource());
      x.put("event_name", b.eventName());
      x.put("count", b.count());
      x.put("first_time", b.firstTime().toString());
      x.put("last_time", b.lastTime().toString());
      x.put("failed", b.failed());
      x.put("read_only", b.readOnly());
      x.put("sensitivity", b.sensitivity());
      x.put("known", b.known());
      x.put("history", b.history());
      x.put("last_seen", b.lastSeen() == null ? null : b.lastSeen().toString());
      x.put("dimension", b.dimension());
      x.put("value", b.value());
      x.put("severity", b.severity());
      x.put("mitre_technique_id", b.mitreTechniqueId());
      List<Map<String, Object>> calls = new ArrayList<>();
      for (NewBehavior.Call c : b.calls()) {
        Map<String, Object> y = new LinkedHashMap<>();
        y.put("call", c.call());
        y.put("count", c.count());
        calls.add(y);
      }
      x.put("calls", calls);
      if (b.prevalence() != null) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("account_principals", b.prevalence().accountPrincipals());
        p.put("business_unit_principals", b.prevalence().businessUnitPrincipals());
        p.put("account_same_type", b.prevalence().accountSameType());
        p.put("account_type_principals", b.prevalence().accountTypePrincipals());
        x.put("prevalence", p);
      } else {
        x.put("prevalence", null);
      }
      nb.add(x);
    }
    m.put("new_behaviors", nb);
    m.put("source_ips", a.sourceIps());
    m.put("user_agents", a.userAgents());
    m.put("regions", a.regions());
    m.put("event_ids", a.eventIds());
    m.put("reason", a.reason());
    return m;
  }

  public static String toJson(Alert a) {
    try {
      return JSON.writeValueAsString(toMap(a));
    } catch (JsonProcessingException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot write alert %s as JSON", a.alertId());
    }
  }

  /** Writes one alert a line (JSON Lines), replacing the file. */
  public static void writeLines(Path file, List<Alert> alerts) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (Alert a : alerts) {
          w.write(toJson(a));
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.OUTPUT_NOT_WRITABLE, "Cannot write %s: %s", file, e.getMessage());
    }
  }
}
