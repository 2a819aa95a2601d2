package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * What a run knows about what it did not see. {@code lookback-days}: the hours a business unit's
 * detect runs skipped (docs/one-writer.md). {@code ledger} and {@code silent-trails}: the
 * per-(account, region, hour) coverage ledger and the rule that alerts on a trail gone quiet
 * (docs/coverage.md).
 */
public record CoverageConfig(
    /** detect reports (and with --fill-gaps detects) the missing hours of this many days before its hour. */
    @JsonProperty("lookback-days") Integer lookbackDays,
    /** Whether detect records the coverage ledger (files, events, bytes, delivery lag per account-region-hour). */
    @JsonProperty("ledger") Boolean ledger,
    @JsonProperty("silent-trails") SilentTrailsConfig silentTrails) implements Serializable {

  public CoverageConfig {
    lookbackDays = Checks.orDefault(lookbackDays, 7);
    ledger = ledger == null || ledger;
    silentTrails = silentTrails == null ? SilentTrailsConfig.defaults() : silentTrails;
  }

  /** Only the skipped hours' lookback; the ledger and the silent-trail rule as by default. */
  public CoverageConfig(Integer lookbackDays) {
    this(lookbackDays, null, null);
  }

  public static CoverageConfig defaults() {
    return new CoverageConfig(null, null, null);
  }

  /** The same section with the ledger on or off (bench measures what it costs). */
  public CoverageConfig withLedger(boolean on) {
    return new CoverageConfig(lookbackDays, on, silentTrails);
  }

  void validate(String p) {
    Checks.atLeast(p + ".lookback-days", lookbackDays, 1);
    Checks.atMost(p + ".lookback-days", lookbackDays, 90);
    silentTrails.validate(p + ".silent-trails");
    if (silentTrails.enabled() && !ledger) {
      throw Checks.bad(p + ".ledger", false, "silent-trails need the ledger: turn it on or set "
          + p + ".silent-trails.enabled to false");
    }
  }
}
