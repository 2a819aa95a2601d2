package io.trailwatch.verdict;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.dimensions.Dimension;
import java.time.Instant;
import java.util.List;

/**
 * One row of the verdicts table: an analyst's answer to an alert, with what the decision needs
 * without reading the alert again (its principal, identity type, new behaviours and hour). A
 * later verdict on the same alert supersedes an earlier one; both are kept.
 *
 * @param expiresAt when an {@code expected} exception ends; null: never
 * @param behaviours the alert's new behaviours, as baseline keys (event source and name, or a dimension's key and value)
 */
public record Verdict(String alertId, VerdictKind kind, VerdictScope scope, Instant expiresAt, String by,
    Instant at, String note, PrincipalKey principal, String identityType, List<Behaviour> behaviours,
    Instant hour) {

  /** A behaviour as the baseline keys it. */
  public record Behaviour(String eventSource, String eventName) {
    public BehaviorKey of(PrincipalKey p) {
      return BehaviorKey.of(p, eventSource, eventName);
    }

    /** The baseline key of an alert's new behaviour. */
    public static Behaviour of(NewBehavior b) {
      return b.isApi() ? new Behaviour(b.eventSource(), b.eventName())
          : new Behaviour(Dimension.ofLabel(b.dimension()).keySource(), b.value());
    }
  }

  public Verdict {
    behaviours = List.copyOf(behaviours);
  }

  /** The verdict on {@code alert}, its fields copied from it. */
  public static Verdict on(Alert alert, VerdictKind kind, VerdictScope scope, Instant expiresAt, String by,
      Instant at, String note) {
    return new Verdict(alert.alertId(), kind, scope, expiresAt, by, at, note, alert.principalKey(),
        alert.identityType(), alert.newBehaviors().stream().map(Behaviour::of).distinct().toList(), alert.hour());
  }

  /**
   * Whether this verdict's exception is in force for an hour starting {@code when}: after the alert's
   * hour (a rerun of that hour decides as it did) and before the expiry. Counted from the alert's
   * hour, not from when it was written, so a backtest replays it the same way.
   */
  public boolean inForce(Instant when) {
    return when.isAfter(hour) && (expiresAt == null || when.isBefore(expiresAt));
  }

  /** Whether a {@code malicious} verdict keeps its principal under watch for an hour starting {@code when}. */
  public boolean watching(Instant when, int watchDays) {
    return kind == VerdictKind.MALICIOUS && when.isAfter(hour)
        && when.isBefore(hour.plus(java.time.Duration.ofDays(watchDays)));
  }

  /** Whether this {@code expected} verdict's scope covers the behaviour {@code b}. */
  public boolean covers(BehaviorKey b) {
    return switch (scope) {
      case ACCOUNT -> b.businessUnit().equals(principal.businessUnit()) && b.accountId().equals(principal.accountId());
      case PRINCIPAL -> b.principalKey().equals(principal);
      case BEHAVIOUR -> b.principalKey().equals(principal)
          && behaviours.contains(new Behaviour(b.eventSource(), b.eventName()));
    };
  }

  /** The same answer given again (a rerun of {@code verdict}, a second {@code malicious}): changes nothing. */
  public boolean sameAnswer(Verdict o) {
    return o != null && alertId.equals(o.alertId) && kind == o.kind && scope == o.scope
        && java.util.Objects.equals(expiresAt, o.expiresAt);
  }
}
