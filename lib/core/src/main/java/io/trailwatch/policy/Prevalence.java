package io.trailwatch.policy;

/**
 * How common a new behaviour is among the principal's peers, in the baseline as of the detect
 * hour (rows first seen before it and not expired): the other principals of the account and of
 * the business unit that have it, those of the account with the same identity type, and how many
 * principals of that type the account has (seen within the retention window).
 */
public record Prevalence(long accountPrincipals, long businessUnitPrincipals, long accountSameType,
    long accountTypePrincipals) {

  /** Nobody else in the business unit has it: "first time anyone here ...". */
  public boolean newToBusinessUnit() {
    return businessUnitPrincipals == 0;
  }

  /** More than {@code share} of the account's principals of the type (and at least {@code minPeers}) have it. */
  public boolean routine(double share, int minPeers) {
    return share < 1 && accountSameType >= minPeers && accountTypePrincipals > 0
        && (double) accountSameType / accountTypePrincipals > share;
  }
}
