package io.trailwatch.state;

import java.time.Instant;

/** What the state holds for the keys an hour asks about: plain values read back from the baseline and principals. */
public final class Stored {
  private Stored() {}

  /** The key of a behaviour in the baseline. */
  public record BehaviorKey(String businessUnit, String accountId, String principal, String eventSource,
      String eventName) {}

  /** The key of a principal. */
  public record PrincipalKey(String businessUnit, String accountId, String principal) {}

  /** A baseline row: when the behaviour was first and last seen (succeeding), and when it expires. */
  public record Behavior(BehaviorKey key, Instant firstSeen, Instant lastSeen, Instant expiresAt) {}

  /** A principals row: when the principal was first and last seen. */
  public record Principal(PrincipalKey key, Instant firstSeen, Instant lastSeen) {}

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
