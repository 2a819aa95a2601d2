package io.trailwatch.policy;

import java.time.Instant;
import java.util.List;

/**
 * A behaviour of one principal in one hour that the policy must decide on: new (not
 * {@code known} in the baseline), or any behaviour of a principal whose type alerts on any
 * activity. {@code principalFirstSeen} is null when the principal is new this hour.
 */
public record Candidate(
    String businessUnit,
    String accountId,
    String principal,
    String identityType,
    String eventSource,
    String eventName,
    long events,
    long failedEvents,
    Instant firstTime,
    Instant lastTime,
    boolean readOnly,
    boolean known,
    Instant principalFirstSeen,
    List<String> sourceIps,
    List<String> userAgents,
    List<String> regions,
    List<String> eventIds) {

  public boolean allFailed() {
    return failedEvents >= events;
  }
}
