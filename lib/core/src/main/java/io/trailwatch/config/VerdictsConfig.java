package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** What analysts' verdicts do to detection (docs/triage.md). */
public record VerdictsConfig(
    /** How long after a {@code malicious} alert's hour its principal is watched: new behaviour alerts a level higher. */
    @JsonProperty("watch-days") Integer watchDays) implements Serializable {

  public static final int DEFAULT_WATCH_DAYS = io.trailwatch.verdict.Verdicts.DEFAULT_WATCH_DAYS;

  public VerdictsConfig {
    watchDays = Checks.orDefault(watchDays, DEFAULT_WATCH_DAYS);
  }

  public static VerdictsConfig defaults() {
    return new VerdictsConfig(null);
  }

  void validate(String p) {
    Checks.atLeast(p + ".watch-days", watchDays, 0);
    Checks.atMost(p + ".watch-days", watchDays, 365);
  }
}
