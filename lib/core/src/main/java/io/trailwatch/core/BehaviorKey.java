package io.trailwatch.core;

/** A behaviour of a principal: the key of the baseline table (an event source and name, or a dimension's value). */
public record BehaviorKey(String businessUnit, String accountId, String principal, String eventSource,
    String eventName) {
  public static BehaviorKey of(PrincipalKey p, String eventSource, String eventName) {
    return new BehaviorKey(p.businessUnit(), p.accountId(), p.principal(), eventSource, eventName);
  }

  public PrincipalKey principalKey() {
    return new PrincipalKey(businessUnit, accountId, principal);
  }
}
