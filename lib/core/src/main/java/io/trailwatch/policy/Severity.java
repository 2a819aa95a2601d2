package io.trailwatch.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Alert severity, lowest first. */
public enum Severity {
  @JsonProperty("info") INFO,
  @JsonProperty("low") LOW,
  @JsonProperty("medium") MEDIUM,
  @JsonProperty("high") HIGH,
  @JsonProperty("critical") CRITICAL;

  public Severity raise() {
    return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
  }

  public Severity lower() {
    return this == INFO ? INFO : values()[ordinal() - 1];
  }

  public static Severity max(Severity a, Severity b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
