package io.trailwatch.generate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What {@link SyntheticOrg} generates.
 *
 * @param days hours of history = days * 24, ending at {@code end}
 * @param accounts number of AWS accounts (at least 2: the incidents need two)
 * @param principalsPerAccount workload principals per account (app roles, Lambda roles, IAM users;
 *     at least 3). Human SSO sessions, AWS services, the cross-account caller and the special cases
 *     (root, federated, SAML, Identity Center, the new role) come on top.
 * @param eventsPerHour background workload events per account in the incident hour (so the bench hour
 *     is exactly accounts * eventsPerHour); other hours follow a daily curve relative to it (nights about
 *     40% of mid-afternoon UTC, weekends 70%). Humans, AWS services and the special cases add a few
 *     events an hour on top.
 * @param seed everything random derives from it: same spec, same bytes
 * @param end exclusive end of the generated history, truncated to the hour; the last hour
 *     [end-1h, end) is the incident hour. Files holding its events are stamped up to ~12 min after end.
 */
public record GeneratorSpec(int days, int accounts, int principalsPerAccount, int eventsPerHour, long seed, Instant end) {

  /** The default end: a fixed instant so that demos are reproducible. */
  public static final Instant DEFAULT_END = Instant.parse("2026-11-20T15:00:00Z");

  public GeneratorSpec {
    if (end != null) {
      end = end.truncatedTo(ChronoUnit.HOURS);
    }
  }

  /** 92 days, 6 accounts, 8 workload principals each, 40 events per account-hour, seed 42, end 2026-11-20T15:00Z. */
  public static GeneratorSpec defaults() {
    return new GeneratorSpec(92, 6, 8, 40, 42L, DEFAULT_END);
  }

  /** @throws IllegalArgumentException naming the first field out of range */
  public GeneratorSpec validate() {
    check("days", days, 1, 3660);
    check("accounts", accounts, 2, 9999);
    check("principalsPerAccount", principalsPerAccount, 3, 10_000);
    check("eventsPerHour", eventsPerHour, 1, 5_000_000);
    if (end == null) {
      throw new IllegalArgumentException("end must be set, was null");
    }
    if (end.isBefore(Instant.parse("2000-01-01T00:00:00Z")) || end.isAfter(Instant.parse("9000-01-01T00:00:00Z"))) {
      throw new IllegalArgumentException("end must be between 2000-01-01 and 9000-01-01, was " + end);
    }
    return this;
  }

  /** Hours of history, the incident hour included. */
  public int hours() {
    return days * 24;
  }

  /** Start of the incident hour: end - 1h. */
  public Instant incidentHour() {
    return end.minus(1, ChronoUnit.HOURS);
  }

  /** First hour of history: end - days * 24h. */
  public Instant start() {
    return end.minus(hours(), ChronoUnit.HOURS);
  }

  private static void check(String field, int value, int min, int max) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
    }
    if (value > max) {
      throw new IllegalArgumentException(field + " must be <= " + max + ", was " + value);
    }
  }
}
