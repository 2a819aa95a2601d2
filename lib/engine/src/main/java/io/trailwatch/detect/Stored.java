package io.trailwatch.detect;

import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;
import java.time.Instant;

/** What the state holds for the keys an hour asks about: plain values read back from the baseline and principals. */
public final class Stored {
  private Stored() {}

  /** A baseline row: when the behaviour was first and last seen (succeeding), and when it expires. */
  public record Behavior(BehaviorKey key, Instant firstSeen, Instant lastSeen, Instant expiresAt) {
    public BaselineRule.Times times() {
      return new BaselineRule.Times(firstSeen, lastSeen, expiresAt);
    }

    /** The row a write leaves, by the baseline's {@link BaselineRule} (null stored: none yet). */
    public static Behavior merged(Behavior stored, BehaviorWrite w, BaselineRule rule) {
      BaselineRule.Times t = rule.merged(stored == null ? null : stored.times(), w.firstOkTime(), w.lastOkTime());
      return new Behavior(w.key(), t.firstSeen(), t.lastSeen(), t.expiresAt());
    }
  }

  /** A principals row: when the principal was first and last seen. */
  public record Principal(PrincipalKey key, Instant firstSeen, Instant lastSeen) {
    public BaselineRule.Times times() {
      return new BaselineRule.Times(firstSeen, lastSeen, null);
    }

    /** The row a write leaves, by the principals' {@link BaselineRule} (null stored: none yet). */
    public static Principal merged(Principal stored, PrincipalWrite w) {
      BaselineRule.Times t = BaselineRule.principals().merged(stored == null ? null : stored.times(), w.firstTime(),
          w.lastTime());
      return new Principal(w.key(), t.firstSeen(), t.lastSeen());
    }
  }

  /**
   * A baseline row to insert or refresh: the behaviour's first and last successful call this hour
   * (or range), and the stored row's {@code last_seen} as the comparison found it (null: none),
   * which lets the MERGE read only the files that can hold the rows it changes.
   */
  public record BehaviorWrite(BehaviorKey key, String identityType, Instant firstOkTime, Instant lastOkTime,
      Instant storedLastSeen) {}

  /** A principals row to insert or refresh. */
  public record PrincipalWrite(PrincipalKey key, String identityType, Instant firstTime, Instant lastTime) {}
}
