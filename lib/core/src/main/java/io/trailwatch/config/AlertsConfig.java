package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** What an alert carries. */
public record AlertsConfig(
    /** At most this many source IPs, user agents and regions per alert. */
    @JsonProperty("max-context-values") Integer maxContextValues,
    /** At most this many event ids per new behaviour, to pivot on in the SIEM. */
    @JsonProperty("sample-event-ids") Integer sampleEventIds) implements Serializable {

  public AlertsConfig {
    maxContextValues = Checks.orDefault(maxContextValues, 10);
    sampleEventIds = Checks.orDefault(sampleEventIds, 5);
  }

  public static AlertsConfig defaults() {
    return new AlertsConfig(null, null);
  }

  void validate(String p) {
    Checks.atLeast(p + ".max-context-values", maxContextValues, 1);
    Checks.atMost(p + ".max-context-values", maxContextValues, 1000);
    Checks.atLeast(p + ".sample-event-ids", sampleEventIds, 1);
    Checks.atMost(p + ".sample-event-ids", sampleEventIds, 100);
  }
}
