package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** How long behaviour is remembered. */
public record BaselineConfig(
    /** A behaviour not seen again for this many days is forgotten: it is new again. */
    @JsonProperty("retention-days") Integer retentionDays,
    /** No alerts (but Root's) until the state holds this many days of history for the BU. */
    @JsonProperty("warmup-days") Integer warmupDays) implements Serializable {

  public BaselineConfig {
    retentionDays = Checks.orDefault(retentionDays, 90);
    warmupDays = Checks.orDefault(warmupDays, 7);
  }

  public static BaselineConfig defaults() {
    return new BaselineConfig(null, null);
  }

  void validate(String p) {
    Checks.atLeast(p + ".retention-days", retentionDays, 1);
    Checks.atMost(p + ".retention-days", retentionDays, 3650);
    Checks.atLeast(p + ".warmup-days", warmupDays, 0);
  }
}
