package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** The business unit lease that makes each BU's tables have one writer at a time (docs/one-writer.md). */
public record LeaseConfig(
    /**
     * A lease not renewed for this long is free: what a writer that died (kill -9, a lost container)
     * blocks its BU for, and how long a frozen holder may pause before its lease is lost. The holder
     * renews it every third of it.
     */
    @JsonProperty("expiry-seconds") Integer expirySeconds) implements Serializable {

  public static final int DEFAULT_EXPIRY_SECONDS = 300;

  public LeaseConfig {
    expirySeconds = Checks.orDefault(expirySeconds, DEFAULT_EXPIRY_SECONDS);
  }

  public static LeaseConfig defaults() {
    return new LeaseConfig(null);
  }

  void validate(String p) {
    Checks.atLeast(p + ".expiry-seconds", expirySeconds, 2);
    Checks.atMost(p + ".expiry-seconds", expirySeconds, 3600);
  }
}
