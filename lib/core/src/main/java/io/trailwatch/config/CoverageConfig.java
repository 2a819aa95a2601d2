package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** Which hours count as missing: hours a business unit's detect runs skipped (docs/one-writer.md). */
public record CoverageConfig(
    /** detect reports (and with --fill-gaps detects) the missing hours of this many days before its hour. */
    @JsonProperty("lookback-days") Integer lookbackDays) implements Serializable {

  public CoverageConfig {
    lookbackDays = Checks.orDefault(lookbackDays, 7);
  }

  public static CoverageConfig defaults() {
    return new CoverageConfig(null);
  }

  void validate(String p) {
    Checks.atLeast(p + ".lookback-days", lookbackDays, 1);
    Checks.atMost(p + ".lookback-days", lookbackDays, 90);
  }
}
