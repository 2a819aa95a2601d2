package io.trailwatch.core;

import java.util.Comparator;

/** A principal of a business unit's account: the key of the principals table, and of one alert per hour. */
public record PrincipalKey(String businessUnit, String accountId, String principal) implements Comparable<PrincipalKey> {
  private static final Comparator<PrincipalKey> ORDER = Comparator.comparing(PrincipalKey::businessUnit)
      .thenComparing(PrincipalKey::accountId).thenComparing(PrincipalKey::principal);

  @Override
  public int compareTo(PrincipalKey o) {
    return ORDER.compare(this, o);
  }
}
