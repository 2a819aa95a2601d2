package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.policy.Severity;
import java.io.Serializable;
import java.util.List;

/**
 * The silent-trail rule (docs/coverage.md): an account-region that delivered events in at least
 * {@code min-rate} of the hours its business unit was read, and delivers nothing for
 * {@code hours-in-a-row} hours, raises one coverage alert.
 */
public record SilentTrailsConfig(
    @JsonProperty("enabled") Boolean enabled,
    /** The share of hours with events (0..1) from which an account-region is watched. */
    @JsonProperty("min-rate") Double minRate,
    /** Hours without events, in a row, before the alert (raised once, in the last of them). */
    @JsonProperty("hours-in-a-row") Integer hoursInARow,
    /** Hours the ledger must hold for the business unit before any account-region is judged. */
    @JsonProperty("min-history-hours") Integer minHistoryHours,
    /** Hours before the silence in which a logging-tamper call names its principal and makes the alert critical. */
    @JsonProperty("tamper-lookback-hours") Integer tamperLookbackHours,
    /** Severity when some regions of an account go silent. */
    @JsonProperty("region-severity") Severity regionSeverity,
    /** Severity when a whole account (or an organisation trail) goes silent. */
    @JsonProperty("account-severity") Severity accountSeverity,
    /** Accounts never judged (known-quiet accounts). */
    @JsonProperty("quiet-accounts") List<String> quietAccounts,
    /** Regions never judged (known-quiet regions). */
    @JsonProperty("quiet-regions") List<String> quietRegions) implements Serializable {

  public SilentTrailsConfig {
    enabled = enabled == null || enabled;
    minRate = minRate == null ? 0.9 : minRate;
    hoursInARow = Checks.orDefault(hoursInARow, 1);
    minHistoryHours = Checks.orDefault(minHistoryHours, 72);
    tamperLookbackHours = Checks.orDefault(tamperLookbackHours, 24);
    regionSeverity = regionSeverity == null ? Severity.MEDIUM : regionSeverity;
    accountSeverity = accountSeverity == null ? Severity.HIGH : accountSeverity;
    quietAccounts = quietAccounts == null ? List.of() : List.copyOf(quietAccounts);
    quietRegions = quietRegions == null ? List.of() : List.copyOf(quietRegions);
  }

  public static SilentTrailsConfig defaults() {
    return new SilentTrailsConfig(null, null, null, null, null, null, null, null, null);
  }

  /** The same rule with other thresholds (tests, the demo's short history). */
  public SilentTrailsConfig with(double rate, int inARow, int history) {
    return new SilentTrailsConfig(enabled, rate, inARow, history, tamperLookbackHours, regionSeverity, accountSeverity,
        quietAccounts, quietRegions);
  }

  /** The same settings with the rule off. */
  public SilentTrailsConfig off() {
    return new SilentTrailsConfig(false, minRate, hoursInARow, minHistoryHours, tamperLookbackHours, regionSeverity,
        accountSeverity, quietAccounts, quietRegions);
  }

  void validate(String p) {
    if (!(minRate > 0 && minRate <= 1)) {
      throw Checks.bad(p + ".min-rate", minRate, "must be a share of hours, more than 0 and at most 1");
    }
    Checks.atLeast(p + ".hours-in-a-row", hoursInARow, 1);
    Checks.atMost(p + ".hours-in-a-row", hoursInARow, 168);
    Checks.atLeast(p + ".min-history-hours", minHistoryHours, 1);
    Checks.atLeast(p + ".tamper-lookback-hours", tamperLookbackHours, 0);
    Checks.atMost(p + ".tamper-lookback-hours", tamperLookbackHours, 168);
    for (String a : quietAccounts) {
      if (a == null || !a.matches("\\d{12}")) {
        throw Checks.bad(p + ".quiet-accounts", a, "must be a 12-digit account id");
      }
    }
    for (String r : quietRegions) {
      Checks.notBlank(p + ".quiet-regions", r);
    }
  }
}
