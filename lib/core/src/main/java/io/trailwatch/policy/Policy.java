package io.trailwatch.policy;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.config.AllowRule;
import io.trailwatch.config.PolicyConfig;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.config.TypePolicy;
import io.trailwatch.core.Hour;
import io.trailwatch.identity.IdentityTypes;
import io.trailwatch.identity.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides, per principal and hour, whether its candidates make an alert, and how severe. Plain
 * Java over a small list: every decision can be unit tested and explained.
 */
public final class Policy {
  /** Why candidates did not alert, counted per principal. */
  public enum Quiet { BASELINE_ONLY, LEARNING, WARMUP, ALLOW_LISTED }

  /** The alerts, and how many principals each rule kept quiet. */
  public record Decision(List<Alert> alerts, Map<Quiet, Integer> quiet) {}

  private final PolicyConfig cfg;
  private final Map<String, Severity> catalogue;
  private final int maxValues;
  private final int maxEventIds;
  private final int warmupDays;

  /** The policy a run under {@code cfg} decides with (hourly detection and a backtest alike). */
  public static Policy of(TrailwatchConfig cfg) {
    return new Policy(cfg.policy(), cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds() * 4,
        cfg.baseline().warmupDays());
  }

  /** The identity types whose every behaviour is a candidate, known or not ({@link AlertOn#ANY_ACTIVITY}). */
  public static Set<String> anyActivityTypes(PolicyConfig cfg) {
    return IdentityTypes.ALL.stream().filter(t -> cfg.forType(t).alertOn() == AlertOn.ANY_ACTIVITY)
        .collect(Collectors.toSet());
  }

  public Policy(PolicyConfig cfg, int maxValues, int maxEventIds, int warmupDays) {
    this.cfg = cfg;
    this.catalogue = SensitiveActions.catalogue(cfg.sensitiveActions());
    this.maxValues = maxValues;
    this.maxEventIds = maxEventIds;
    this.warmupDays = warmupDays;
  }

  /**
   * @param historyStart per business unit, the first time the state saw anything (null: no history)
   * @param hour the hour the candidates' events happened in
   * @param detectHour the hourly run deciding; later than {@code hour} for files delivered late
   */
  public Decision decide(List<Candidate> candidates, Hour hour, Hour detectHour, Map<String, Instant> historyStart) {
    Map<List<String>, List<Candidate>> byPrincipal = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
        .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
    for (Candidate c : candidates) {
      byPrincipal.computeIfAbsent(List.of(c.businessUnit(), c.accountId(), c.principal()), k -> new ArrayList<>()).add(c);
    }
    List<Alert> alerts = new ArrayList<>();
    Map<Quiet, Integer> quiet = new LinkedHashMap<>();
    for (List<Candidate> group : byPrincipal.values()) {
      Candidate first = group.get(0);
      Principal principal = new Principal(first.principal(), first.identityType());
      TypePolicy tp = cfg.forType(first.identityType());
      AlertOn alertOn = principal.isServiceLinkedRole() ? cfg.serviceLinkedRoles() : tp.alertOn();
      Quiet why = quietReason(group, alertOn, tp, hour, historyStart.get(first.businessUnit()));
      List<Candidate> kept = why != null ? List.of() : group.stream()
          .filter(c -> alertOn == AlertOn.ANY_ACTIVITY || !c.known())
          .filter(c -> !allowed(c))
          .toList();
      if (why == null && kept.isEmpty()) {
        why = Quiet.ALLOW_LISTED;
      }
      if (why != null) {
        if (group.stream().anyMatch(c -> !c.known()) || alertOn == AlertOn.ANY_ACTIVITY) {
          quiet.merge(why, 1, Integer::sum);
        }
        continue;
      }
      alerts.add(alert(kept, tp, alertOn, hour, detectHour));
    }
    return new Decision(List.copyOf(alerts), Map.copyOf(quiet));
  }

  private Quiet quietReason(List<Candidate> group, AlertOn alertOn, TypePolicy tp, Hour hour, Instant historyStart) {
    if (alertOn == AlertOn.NEVER) {
      return Quiet.BASELINE_ONLY;
    }
    if (alertOn == AlertOn.ANY_ACTIVITY) {
      return null;
    }
    if (historyStart == null || Duration.between(historyStart, hour.start()).toDays() < warmupDays) {
      return Quiet.WARMUP;
    }
    Instant firstSeen = group.get(0).principalFirstSeen();
    if (tp.learning() && (firstSeen == null || Duration.between(firstSeen, hour.start()).toDays() < cfg.learningDays())) {
      return Quiet.LEARNING;
    }
    return null;
  }

  private boolean allowed(Candidate c) {
    for (AllowRule r : cfg.allow()) {
      if (r.matches(c.accountId(), c.principal(), c.eventSource(), c.eventName())) {
        return true;
      }
    }
    return false;
  }

  private Alert alert(List<Candidate> kept, TypePolicy tp, AlertOn alertOn, Hour hour, Hour detectHour) {
    boolean late = !hour.equals(detectHour);
    Candidate first = kept.get(0);
    List<Candidate> sorted = kept.stream()
        .sorted(Comparator.comparing(Candidate::eventSource).thenComparing(Candidate::eventName)).toList();
    List<NewBehavior> behaviors = new ArrayList<>();
    Severity top = null;
    boolean allReadOnly = true;
    for (Candidate c : sorted) {
      Severity s = catalogue.get(SensitiveActions.key(c.eventSource(), c.eventName()));
      if (s != null) {
        top = top == null ? s : Severity.max(top, s);
      }
      allReadOnly &= c.readOnly();
      behaviors.add(new NewBehavior(c.eventSource(), c.eventName(), c.events(), c.firstTime(), c.lastTime(),
          c.allFailed(), c.readOnly(), s == null ? null : s.label(), c.known()));
    }
    Severity severity = top == null ? tp.severity() : Severity.max(tp.severity(), top);
    long fresh = sorted.stream().filter(c -> !c.known()).count();
    if (fresh >= cfg.manyNewBehaviors()) {
      severity = severity.raise();
    }
    if (allReadOnly && top == null) {
      severity = severity.lower();
    }
    String reason = (late ? "late delivery (found in the run of " + detectHour + "): " : "")
        + reason(first, sorted, alertOn, fresh, top);
    return Alert.builder()
        .alertId(Alert.idFor(first.businessUnit(), first.accountId(), first.principal(), hour.start(),
            detectHour.start()))
        .hour(hour.start()).detectHour(detectHour.start()).late(late)
        .businessUnit(first.businessUnit()).accountId(first.accountId()).principal(first.principal())
        .identityType(first.identityType()).severity(severity).reason(reason).newBehaviors(behaviors)
        .sourceIps(union(sorted, Candidate::sourceIps, maxValues))
        .userAgents(union(sorted, Candidate::userAgents, maxValues))
        .regions(union(sorted, Candidate::regions, maxValues))
        .eventIds(union(sorted, Candidate::eventIds, maxEventIds))
        .build();
  }

  private String reason(Candidate first, List<Candidate> sorted, AlertOn alertOn, long fresh, Severity top) {
    StringBuilder sb = new StringBuilder();
    if (alertOn == AlertOn.ANY_ACTIVITY) {
      sb.append(first.identityType()).append(" activity (alerts on any activity): ");
    } else {
      sb.append(fresh).append(fresh == 1 ? " new behaviour" : " new behaviours").append(" for ")
          .append(first.identityType()).append(" first seen ")
          .append(first.principalFirstSeen() == null ? "this hour" : first.principalFirstSeen().toString().substring(0, 10))
          .append(": ");
    }
    int shown = 0;
    for (Candidate c : sorted) {
      if (shown++ > 0) {
        sb.append(", ");
      }
      if (shown > 8) {
        sb.append("and ").append(sorted.size() - 8).append(" more");
        break;
      }
      sb.append(c.eventSource().replace(".amazonaws.com", "")).append(':').append(c.eventName());
      if (c.allFailed()) {
        sb.append(" (failed)");
      }
    }
    if (top != null) {
      sb.append("; sensitive up to ").append(top.label());
    }
    return sb.toString();
  }

  private static List<String> union(List<Candidate> cs, Function<Candidate, List<String>> f, int max) {
    TreeSet<String> all = new TreeSet<>();
    for (Candidate c : cs) {
      all.addAll(f.apply(c));
    }
    return all.stream().limit(max).toList();
  }
}
