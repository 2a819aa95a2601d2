package io.trailwatch.policy;

import io.trailwatch.dimensions.Dimension;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A behaviour of one principal in one hour that the policy must decide on: new (not
 * {@code known} in the baseline), or any behaviour of a principal whose type alerts on any
 * activity. {@code principalFirstSeen} is null when the principal is new this hour.
 * {@code lastSeen}: for new behaviour that is returning, when it was last seen before its
 * baseline row expired; null when it was never seen (or is known).
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
    List<String> eventIds,
    Map<String, Long> calls,
    Prevalence prevalence,
    Instant lastSeen) {

  public Candidate {
    calls = calls == null ? Map.of() : Map.copyOf(calls);
  }

  /** A candidate never seen before (or known). */
  public Candidate(String businessUnit, String accountId, String principal, String identityType, String eventSource,
      String eventName, long events, long failedEvents, Instant firstTime, Instant lastTime, boolean readOnly,
      boolean known, Instant principalFirstSeen, List<String> sourceIps, List<String> userAgents, List<String> regions,
      List<String> eventIds, Map<String, Long> calls, Prevalence prevalence) {
    this(businessUnit, accountId, principal, identityType, eventSource, eventName, events, failedEvents, firstTime,
        lastTime, readOnly, known, principalFirstSeen, sourceIps, userAgents, regions, eventIds, calls, prevalence,
        null);
  }

  /** Whether it is new behaviour that was seen before, until its baseline row expired. */
  public boolean returning() {
    return !known && lastSeen != null;
  }

  /** The same candidate, returning: last seen at {@code at} (null: never seen). */
  public Candidate withLastSeen(Instant at) {
    return new Candidate(businessUnit, accountId, principal, identityType, eventSource, eventName, events, failedEvents,
        firstTime, lastTime, readOnly, known, principalFirstSeen, sourceIps, userAgents, regions, eventIds, calls,
        prevalence, at);
  }

  /** Whose behaviour this is. */
  public io.trailwatch.core.PrincipalKey principalKey() {
    return new io.trailwatch.core.PrincipalKey(businessUnit, accountId, principal);
  }

  /** The dimension of this behaviour (its event_source tells). */
  public Dimension dimension() {
    return Dimension.ofKeySource(eventSource);
  }

  /** The same candidate with its prevalence among peers. */
  public Candidate withPrevalence(Prevalence p) {
    return new Candidate(businessUnit, accountId, principal, identityType, eventSource, eventName, events, failedEvents,
        firstTime, lastTime, readOnly, known, principalFirstSeen, sourceIps, userAgents, regions, eventIds, calls, p,
        lastSeen);
  }

  public boolean allFailed() {
    return failedEvents >= events;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Named construction of a Candidate; lists default to empty, flags to false. */
  public static final class Builder {
    private String businessUnit;
    private String accountId;
    private String principal;
    private String identityType;
    private String eventSource;
    private String eventName;
    private long events;
    private long failedEvents;
    private Instant firstTime;
    private Instant lastTime;
    private boolean readOnly;
    private boolean known;
    private Instant principalFirstSeen;
    private List<String> sourceIps = List.of();
    private List<String> userAgents = List.of();
    private List<String> regions = List.of();
    private List<String> eventIds = List.of();
    private Map<String, Long> calls = Map.of();
    private Prevalence prevalence;
    private Instant lastSeen;

    private Builder() {}

    /** Returning behaviour: when it was last seen before its baseline row expired. */
    public Builder lastSeen(Instant v) {
      lastSeen = v;
      return this;
    }

    /** For a value of a dimension other than api: the calls made with it ({@code eventSource:eventName} to count). */
    public Builder calls(Map<String, Long> v) {
      calls = v;
      return this;
    }

    public Builder prevalence(Prevalence v) {
      prevalence = v;
      return this;
    }

    public Builder businessUnit(String v) {
      businessUnit = v;
      return this;
    }

    public Builder accountId(String v) {
      accountId = v;
      return this;
    }

    public Builder principal(String v) {
      principal = v;
      return this;
    }

    public Builder identityType(String v) {
      identityType = v;
      return this;
    }

    public Builder eventSource(String v) {
      eventSource = v;
      return this;
    }

    public Builder eventName(String v) {
      eventName = v;
      return this;
    }

    public Builder events(long v) {
      events = v;
      return this;
    }

    public Builder failedEvents(long v) {
      failedEvents = v;
      return this;
    }

    public Builder firstTime(Instant v) {
      firstTime = v;
      return this;
    }

    public Builder lastTime(Instant v) {
      lastTime = v;
      return this;
    }

    public Builder readOnly(boolean v) {
      readOnly = v;
      return this;
    }

    public Builder known(boolean v) {
      known = v;
      return this;
    }

    public Builder principalFirstSeen(Instant v) {
      principalFirstSeen = v;
      return this;
    }

    public Builder sourceIps(List<String> v) {
      sourceIps = v;
      return this;
    }

    public Builder userAgents(List<String> v) {
      userAgents = v;
      return this;
    }

    public Builder regions(List<String> v) {
      regions = v;
      return this;
    }

    public Builder eventIds(List<String> v) {
      eventIds = v;
      return this;
    }

    public Candidate build() {
      if (businessUnit == null || accountId == null || principal == null || identityType == null || eventSource == null || eventName == null || firstTime == null || lastTime == null) {
        throw new IllegalStateException("A candidate needs businessUnit, accountId, principal, identityType, eventSource, eventName, firstTime, lastTime");
      }
      return new Candidate(businessUnit, accountId, principal, identityType, eventSource, eventName, events, failedEvents, firstTime, lastTime, readOnly, known, principalFirstSeen, sourceIps, userAgents, regions, eventIds, calls, prevalence, lastSeen);
    }
  }
}
