package io.trailwatch.detect;

import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;

import io.trailwatch.policy.Candidate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An hour's behaviours against the state <em>as it was</em> at the start of the detect hour: rows
 * first seen at or after that time do not count, so a rerun of the hour (after its merge) finds
 * the same new behaviour and makes the same alerts. Plain Java on the driver, over the hour's
 * rows and the stored rows of their keys, by the one {@link BaselineRule}.
 *
 * @param candidates what the policy decides on: new behaviour, and every behaviour of types that alert on any activity
 * @param behaviorWrites the baseline rows the MERGE inserts or refreshes
 * @param principalWrites the principals rows the MERGE inserts or refreshes
 * @param newBehaviors how many of the hour's behaviours the baseline did not know
 */
public record Comparison(List<Candidate> candidates, List<Stored.BehaviorWrite> behaviorWrites,
    List<Stored.PrincipalWrite> principalWrites, long newBehaviors) {

  public Comparison {
    candidates = List.copyOf(candidates);
    behaviorWrites = List.copyOf(behaviorWrites);
    principalWrites = List.copyOf(principalWrites);
  }

  /** The keys whose stored rows {@link #of} needs. */
  public static List<BehaviorKey> behaviorKeys(List<HourBehavior> hour) {
    return hour.stream().map(Comparison::key).distinct().toList();
  }

  public static List<PrincipalKey> principalKeys(List<HourBehavior> hour) {
    return hour.stream().map(Comparison::principalKey).distinct().toList();
  }

  /**
   * @param asOf the start of the detect hour
   * @param anyActivityTypes identity types whose every behaviour is a candidate, known or not
   */
  public static Comparison of(List<HourBehavior> hour, List<Stored.Behavior> storedBehaviors,
      List<Stored.Principal> storedPrincipals, Instant asOf, Set<String> anyActivityTypes) {
    Map<BehaviorKey, Stored.Behavior> stored = new HashMap<>();
    storedBehaviors.forEach(b -> stored.put(b.key(), b));
    Map<PrincipalKey, Stored.Principal> principals = new HashMap<>();
    storedPrincipals.forEach(p -> principals.put(p.key(), p));

    List<Candidate> candidates = new ArrayList<>();
    List<Stored.BehaviorWrite> behaviorWrites = new ArrayList<>();
    long fresh = 0;
    for (HourBehavior b : hour) {
      Stored.Behavior s = stored.get(key(b));
      boolean known = BaselineRule.known(s == null ? null : s.firstSeen(), s == null ? null : s.expiresAt(), asOf);
      if (!known) {
        fresh++;
      }
      if (b.succeeded() && BaselineRule.changes(s == null ? null : s.times(), b.firstOkTime(), b.lastOkTime())) {
        behaviorWrites.add(new Stored.BehaviorWrite(key(b), b.identityType(), b.firstOkTime(), b.lastOkTime(),
            s == null ? null : s.lastSeen()));
      }
      // A row that expired before the hour: the behaviour is returning, last seen then.
      Instant lastSeen = !known && s != null && s.firstSeen().isBefore(asOf) ? s.lastSeen() : null;
      if (!known || anyActivityTypes.contains(b.identityType())) {
        Stored.Principal p = principals.get(principalKey(b));
        Instant principalFirstSeen = p != null && p.firstSeen().isBefore(asOf) ? p.firstSeen() : null;
        candidates.add(Candidate.builder().businessUnit(b.businessUnit()).accountId(b.accountId())
            .principal(b.principal()).identityType(b.identityType()).eventSource(b.eventSource())
            .eventName(b.eventName()).events(b.events()).failedEvents(b.failedEvents()).firstTime(b.firstTime())
            .lastTime(b.lastTime()).readOnly(b.readOnly()).known(known).principalFirstSeen(principalFirstSeen)
            .sourceIps(b.sourceIps()).userAgents(b.userAgents()).regions(b.regions()).eventIds(b.eventIds())
            .calls(b.calls()).lastSeen(lastSeen).build());
      }
    }
    List<Stored.PrincipalWrite> principalWrites = new ArrayList<>();
    for (Map.Entry<PrincipalKey, Seen> e : principalsOf(hour).entrySet()) {
      Stored.Principal p = principals.get(e.getKey());
      Seen seen = e.getValue();
      if (BaselineRule.changes(p == null ? null : p.times(), seen.first, seen.last)) {
        principalWrites.add(new Stored.PrincipalWrite(e.getKey(), seen.identityType, seen.first, seen.last));
      }
    }
    return new Comparison(candidates, behaviorWrites, principalWrites, fresh);
  }

  /** A principal's first and last event of the hour (failed calls included: the principal exists) and its type. */
  private static final class Seen {
    Instant first;
    Instant last;
    String identityType;
  }

  private static Map<PrincipalKey, Seen> principalsOf(List<HourBehavior> hour) {
    Map<PrincipalKey, Seen> out = new LinkedHashMap<>();
    for (HourBehavior b : hour) {
      Seen s = out.computeIfAbsent(principalKey(b), k -> new Seen());
      s.first = s.first == null || b.firstTime().isBefore(s.first) ? b.firstTime() : s.first;
      s.last = s.last == null || b.lastTime().isAfter(s.last) ? b.lastTime() : s.last;
      // The same as SQL's max(identity_type) over the principal's behaviours.
      s.identityType = s.identityType == null || b.identityType().compareTo(s.identityType) > 0 ? b.identityType()
          : s.identityType;
    }
    return out;
  }

  static BehaviorKey key(HourBehavior b) {
    return new BehaviorKey(b.businessUnit(), b.accountId(), b.principal(), b.eventSource(), b.eventName());
  }

  static PrincipalKey principalKey(HourBehavior b) {
    return new PrincipalKey(b.businessUnit(), b.accountId(), b.principal());
  }
}
