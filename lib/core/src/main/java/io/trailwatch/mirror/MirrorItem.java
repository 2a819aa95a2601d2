package io.trailwatch.mirror;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One baseline row as the mirror holds it: a behaviour ({@code eventSource}, {@code eventName}) of
 * a principal in an account, with its business unit, identity type and times. Built from the rows
 * the baseline MERGE wrote.
 */
public record MirrorItem(String businessUnit, String accountId, String principal, String identityType,
    String eventSource, String eventName, Instant firstSeen, Instant lastSeen, Instant expiresAt)
    implements Serializable {

  public MirrorItem {
    Objects.requireNonNull(businessUnit, "businessUnit");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(identityType, "identityType");
    Objects.requireNonNull(eventSource, "eventSource");
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** What identifies a row in the mirror (its business unit is an attribute, not part of the key). */
  public record Key(String accountId, String principal, String eventSource, String eventName) implements Serializable {}

  public Key key() {
    return new Key(accountId, principal, eventSource, eventName);
  }

  /** Whether readers treat this row as absent at {@code now}: its expiry has passed (TTL deletes late). */
  public boolean expiredAt(Instant now) {
    return !expiresAt.isAfter(now);
  }
}
