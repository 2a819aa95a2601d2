package io.trailwatch.policy;

import io.trailwatch.core.PrincipalKey;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.config.AllowRule;
import io.trailwatch.config.PolicyConfig;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.config.TypePolicy;
import io.trailwatch.core.Hour;
import io.trailwatch.dimensions.Dimension;
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
  public enum Quiet { BASELINE_ONLY, LEARNING, WARMUP, ALLOW_LISTED, /** an analyst's {@code expected} verdict in force */ VERDICT }

  /** The severity rules of prevalence, counted per alert whose severity they moved. */
  public enum Moved { RAISED_NEW_TO_BUSINESS_UNIT, LOWERED_ROUTINE_IN_ACCOUNT }

  /** The alerts, how many principals each rule kept quiet, and how many alerts prevalence moved. */
  public record Decision(List<Alert> alerts, Map<Quiet, Integer> quiet, Map<Moved, Integer> moved) {
    public Decision {
      alerts = List.copyOf(alerts);
      quiet = Map.copyOf(quiet);
      moved = Map.copyOf(moved);
    }

    public Decision(List<Alert> alerts, Map<Quiet, Integer> quiet) {
      this(alerts, quiet, Map.of());
    }
  }

  private final PolicyConfig cfg;
  private final Map<String, Severity> catalogue;
  private final Set<Dimension> dimensions;
  private final int maxValues;
  private final int maxEventIds;
  private final int warmupDays;

  /** The policy a run under {@code cfg} decides with (hourly detection and a backtest alike). */
  public static Policy of(TrailwatchConfig cfg) {
    return new Policy(cfg.policy(), cfg.baseline().enabledDimensions(), cfg.alerts().maxContextValues(),
        cfg.alerts().sampleEventIds() * 4, cfg.baseline().warmupDays());
  }

  /** The identity types whose every behaviour is a candidate, known or not ({@link AlertOn#ANY_ACTIVITY}). */
  public static Set<String> anyActivityTypes(PolicyConfig cfg) {
    return IdentityTypes.ALL.stream().filter(t -> cfg.forType(t).alertOn() == AlertOn.ANY_ACTIVITY)
        .collect(Collectors.toSet());
  }

  /** With api as the only dimension. */
  public Policy(PolicyConfig cfg, int maxValues, int maxEventIds, int warmupDays) {
    this(cfg, Set.of(Dimension.API), maxValues, maxEventIds, warmupDays);
  }

  public Policy(PolicyConfig cfg, Set<Dimension> dimensions, int maxValues, int maxEventIds, int warmupDays) {
    this.cfg = cfg;
    this.catalogue = SensitiveActions.catalogue(cfg.sensitiveActions());
    this.dimensions = Set.copyOf(dimensions);
    this.maxValues = maxValues;
    this.maxEventIds = maxEventIds;
    this.warmupDays = warmupDays;
  }

  /** {@link #decide(List, Hour, Hour, History)} with api history only. */
  public Decision decide(List<Candidate> candidates, Hour hour, Hour detectHour, Map<String, Instant> historyStart) {
    return decide(candidates, hour, detectHour, History.ofApi(historyStart));
  }

  /**
   * @param history per business unit (and dimension), the first time the state saw anything
   * @param hour the hour the candidates' events happened in
   * @param detectHour the hourly run deciding; later than {@code hour} for files delivered late
   */
  public Decision decide(List<Candidate> candidates, Hour hour, Hour detectHour, History history) {
    return decide(candidates, hour, detectHour, history, Set.of());
  }

  /**
   * @param watched principals under watch after a {@code malicious} verdict: the learning period does not apply to them
   */
  public Decision decide(List<Candidate> candidates, Hour hour, Hour detectHour, History history,
      Set<PrincipalKey> watched) {
    Map<PrincipalKey, List<Candidate>> byPrincipal = new TreeMap<>();
    for (Candidate c : candidates) {
      if (dimensions.contains(c.dimension())) {
        byPrincipal.computeIfAbsent(c.principalKey(), k -> new ArrayList<>()).add(c);
      }
    }
    List<Alert> alerts = new ArrayList<>();
    Map<Quiet, Integer> quiet = new LinkedHashMap<>();
    Map<Moved, Integer> moved = new LinkedHashMap<>();
    for (List<Candidate> group : byPrincipal.values()) {
      Candidate first = group.get(0);
      Principal principal = new Principal(first.principal(), first.identityType());
      TypePolicy tp = cfg.forType(first.identityType());
      AlertOn alertOn = principal.isServiceLinkedRole() ? cfg.serviceLinkedRoles() : tp.alertOn();
      Quiet why = quietReason(group, alertOn, tp, hour, history.start(first.businessUnit(), Dimension.API),
          watched.contains(first.principalKey()));
      boolean warming = false;
      List<Candidate> kept = new ArrayList<>();
      if (why == null) {
        for (Candidate c : group) {
          // Any-activity types list their known calls too, never their known regions, networks or clients.
          if (!tp.alertsOn(c.dimension())
              || (c.known() && (alertOn != AlertOn.ANY_ACTIVITY || c.dimension() != Dimension.API))) {
            continue;
          }
          // A dimension still warming up has no values to tell new from: not even Root lists them.
          if (c.dimension() != Dimension.API && warmingUp(history.start(c.businessUnit(), c.dimension()), hour)) {
            warming = true;
            continue;
          }
          if (!allowed(c)) {
            kept.add(c);
          }
        }
      }
      if (why == null && kept.isEmpty()) {
        why = warming ? Quiet.WARMUP : Quiet.ALLOW_LISTED;
      }
      if (why != null) {
        if (group.stream().anyMatch(c -> !c.known()) || alertOn == AlertOn.ANY_ACTIVITY) {
          quiet.merge(why, 1, Integer::sum);
        }
        continue;
      }
      Alert alert = alert(kept, tp, alertOn, hour, detectHour, true);
      Severity without = alert(kept, tp, alertOn, hour, detectHour, false).severity();
      if (alert.severity().compareTo(without) > 0) {
        moved.merge(Moved.RAISED_NEW_TO_BUSINESS_UNIT, 1, Integer::sum);
      } else if (alert.severity().compareTo(without) < 0) {
        moved.merge(Moved.LOWERED_ROUTINE_IN_ACCOUNT, 1, Integer::sum);
      }
      alerts.add(alert);
    }
    return new Decision(alerts, quiet, moved);
  }

  /**
   * The principals whose candidates would alert (before prevalence, which only moves severity):
   * the ones worth looking prevalence up for.
   */
  public Set<PrincipalKey> alerting(List<Candidate> candidates, Hour hour, Hour detectHour, History history) {
    return alerting(candidates, hour, detectHour, history, Set.of());
  }

  /** {@link #alerting(List, Hour, Hour, History)} with principals under watch. */
  public Set<PrincipalKey> alerting(List<Candidate> candidates, Hour hour, Hour detectHour, History history,
      Set<PrincipalKey> watched) {
    Set<PrincipalKey> out = new java.util.HashSet<>();
    for (Alert a : decide(candidates, hour, detectHour, history, watched).alerts()) {
      out.add(a.principalKey());
    }
    return out;
  }

  private boolean warmingUp(Instant historyStart, Hour hour) {
    return historyStart == null || Duration.between(historyStart, hour.start()).toDays() < warmupDays;
  }

  private Quiet quietReason(List<Candidate> group, AlertOn alertOn, TypePolicy tp, Hour hour, Instant historyStart,
      boolean watched) {
    if (alertOn == AlertOn.NEVER) {
      return Quiet.BASELINE_ONLY;
    }
    if (alertOn == AlertOn.ANY_ACTIVITY) {
      return null;
    }
    if (warmingUp(historyStart, hour)) {
      return Quiet.WARMUP;
    }
    Instant firstSeen = group.get(0).principalFirstSeen();
    if (tp.learning() && !watched && (firstSeen == null || Duration.between(firstSeen, hour.start()).toDays() < cfg.learningDays())) {
      return Quiet.LEARNING;
    }
    return null;
  }

  private boolean allowed(Candidate c) {
    for (AllowRule r : cfg.allow()) {
      if (r.matches(c.accountId(), c.principal(), c.dimension(), c.eventSource(), c.eventName())) {
        return true;
      }
    }
    return false;
  }

  /** The most sensitive level of a behaviour: of its call, or of the calls made with a new value. */
  private Severity sensitivity(Candidate c) {
    if (c.dimension() == Dimension.API) {
      return catalogue.get(SensitiveActions.key(c.eventSource(), c.eventName()));
    }
    Severity top = null;
    for (String call : c.calls().keySet()) {
      Severity s = catalogue.get(call);
      if (s != null) {
        top = top == null ? s : Severity.max(top, s);
      }
    }
    return top;
  }

  /** A behaviour's own severity: its start (the type's, or the dimension's), its sensitivity, then prevalence. */
  private Severity severity(Candidate c, TypePolicy tp, Severity sensitive, boolean withPrevalence) {
    Severity base = c.dimension() == Dimension.API ? tp.severity() : cfg.dimensionSeverity(c.dimension());
    Severity s = sensitive == null ? base : Severity.max(base, sensitive);
    Prevalence p = c.prevalence();
    if (withPrevalence && p != null && !c.known()) {
      PolicyConfig.PrevalenceConfig pc = cfg.prevalence();
      if (pc.raiseWhenNewToBusinessUnit() && p.newToBusinessUnit()) {
        s = s.raise();
      } else if (p.routine(pc.routineShare(), pc.minPeers())) {
        s = s.lower();
      }
    }
    return c.returning() ? returningSeverity(s, sensitive) : s;
  }

  /**
   * A returning behaviour's severity: {@code policy.returning-severity-drop} levels lower, never
   * below its sensitive call's catalogue level (nor above where it was).
   */
  private Severity returningSeverity(Severity s, Severity sensitive) {
    Severity dropped = s;
    for (int i = 0; i < cfg.returningSeverityDrop(); i++) {
      dropped = dropped.lower();
    }
    if (sensitive == null) {
      return dropped;
    }
    Severity floor = s.compareTo(sensitive) < 0 ? s : sensitive;
    return Severity.max(dropped, floor);
  }

  private static final Comparator<Candidate> ORDER = Comparator.comparing((Candidate c) -> c.dimension())
      .thenComparing(Candidate::eventSource).thenComparing(Candidate::eventName);

  private Alert alert(List<Candidate> kept, TypePolicy tp, AlertOn alertOn, Hour hour, Hour detectHour,
      boolean withPrevalence) {
    boolean late = !hour.equals(detectHour);
    Candidate first = kept.get(0);
    List<Candidate> sorted = kept.stream().sorted(ORDER).toList();
    List<NewBehavior> behaviors = new ArrayList<>();
    Severity severity = null;
    Severity top = null;
    boolean quietApiOnly = true;
    for (Candidate c : sorted) {
      Severity sensitive = sensitivity(c);
      if (sensitive != null) {
        top = top == null ? sensitive : Severity.max(top, sensitive);
      }
      Severity own = severity(c, tp, sensitive, withPrevalence);
      severity = severity == null ? own : Severity.max(severity, own);
      quietApiOnly &= c.readOnly() && c.dimension() == Dimension.API;
      behaviors.add(newBehavior(c, sensitive, own));
    }
    long fresh = sorted.stream().filter(c -> !c.known()).count();
    if (fresh >= cfg.manyNewBehaviors()) {
      severity = severity.raise();
    }
    if (quietApiOnly && top == null) {
      severity = severity.lower();
    }
    String reason = (late ? "late delivery (found in the run of " + detectHour + "): " : "")
        + reason(first, sorted, alertOn, top);
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

  private NewBehavior newBehavior(Candidate c, Severity sensitive, Severity own) {
    boolean api = c.dimension() == Dimension.API;
    List<NewBehavior.Call> calls = c.calls().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(Math.max(1, maxValues)).map(e -> new NewBehavior.Call(e.getKey(), e.getValue())).toList();
    return new NewBehavior(api ? c.eventSource() : null, api ? c.eventName() : null, c.events(), c.firstTime(),
        c.lastTime(), c.allFailed(), c.readOnly(), sensitive == null ? null : sensitive.label(), c.known(),
        c.dimension().label(), api ? null : c.eventName(), calls, c.prevalence(), own.label(),
        c.returning() ? c.lastSeen() : null);
  }

  private String reason(Candidate first, List<Candidate> sorted, AlertOn alertOn, Severity top) {
    StringBuilder sb = new StringBuilder();
    if (alertOn == AlertOn.ANY_ACTIVITY) {
      sb.append(first.identityType()).append(" activity (alerts on any activity): ");
    }
    Map<Dimension, List<Candidate>> byDimension = new java.util.EnumMap<>(Dimension.class);
    sorted.forEach(c -> byDimension.computeIfAbsent(c.dimension(), d -> new ArrayList<>()).add(c));
    boolean firstPart = true;
    for (Map.Entry<Dimension, List<Candidate>> part : byDimension.entrySet()) {
      List<Candidate> cs = part.getValue();
      if (!firstPart) {
        sb.append("; ");
      }
      if (alertOn != AlertOn.ANY_ACTIVITY || part.getKey() != Dimension.API) {
        long fresh = cs.stream().filter(c -> !c.known()).count();
        sb.append(fresh).append(' ').append(noun(part.getKey(), fresh));
        if (firstPart && alertOn != AlertOn.ANY_ACTIVITY) {
          sb.append(" for ").append(first.identityType()).append(" first seen ").append(
              first.principalFirstSeen() == null ? "this hour" : first.principalFirstSeen().toString().substring(0, 10));
        }
        sb.append(": ");
      }
      firstPart = false;
      int shown = 0;
      for (Candidate c : cs) {
        if (shown++ > 0) {
          sb.append(", ");
        }
        if (shown > 8) {
          sb.append("and ").append(cs.size() - 8).append(" more");
          break;
        }
        if (part.getKey() == Dimension.API) {
          sb.append(shortCall(c.eventSource(), c.eventName()));
          if (c.allFailed()) {
            sb.append(" (failed)");
          }
        } else {
          sb.append(c.eventName()).append(" (").append(c.events()).append(c.events() == 1 ? " call: " : " calls: ")
              .append(c.calls().entrySet().stream()
                  .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                  .limit(3).map(e -> shortCall(e.getKey())).collect(Collectors.joining(", ")))
              .append(c.calls().size() > 3 ? ", ..." : "").append(')');
        }
      }
    }
    if (top != null) {
      sb.append("; sensitive up to ").append(top.label());
    }
    List<String> returning = sorted.stream().filter(Candidate::returning)
        .map(c -> label(c) + " (last seen " + c.lastSeen().toString().substring(0, 10) + ", "
            + Duration.between(c.lastSeen(), c.firstTime()).toDays() + " days ago)").toList();
    if (!returning.isEmpty()) {
      sb.append("; returning: ").append(String.join(", ", returning.stream().limit(5).toList()));
    }
    List<String> rare = sorted.stream().filter(c -> c.prevalence() != null && !c.known()
        && c.prevalence().newToBusinessUnit()).map(Policy::label).toList();
    if (!rare.isEmpty() && cfg.prevalence().raiseWhenNewToBusinessUnit()) {
      sb.append("; new to the business unit: ").append(String.join(", ", rare.stream().limit(5).toList()));
    }
    List<String> routine = sorted.stream().filter(c -> c.prevalence() != null && !c.known()
        && !c.prevalence().newToBusinessUnit()
        && c.prevalence().routine(cfg.prevalence().routineShare(), cfg.prevalence().minPeers()))
        .map(c -> label(c) + " (" + c.prevalence().accountSameType() + " of " + c.prevalence().accountTypePrincipals()
            + " " + c.identityType() + " peers)").toList();
    if (!routine.isEmpty()) {
      sb.append("; routine in the account: ").append(String.join(", ", routine.stream().limit(5).toList()));
    }
    return sb.toString();
  }

  private static String noun(Dimension d, long n) {
    String one = switch (d) {
      case API -> "new behaviour";
      case REGION -> "new region";
      case NETWORK -> "new network";
      case CLIENT -> "new client";
    };
    return n == 1 ? one : one + "s";
  }

  private static String label(Candidate c) {
    return c.dimension() == Dimension.API ? shortCall(c.eventSource(), c.eventName())
        : c.dimension().label() + " " + c.eventName();
  }

  private static String shortCall(String source, String name) {
    return source.replace(".amazonaws.com", "") + ':' + name;
  }

  /** {@code iam.amazonaws.com:ListUsers} as {@code iam:ListUsers}. */
  private static String shortCall(String call) {
    return call.replace(".amazonaws.com", "");
  }

  private static List<String> union(List<Candidate> cs, Function<Candidate, List<String>> f, int max) {
    TreeSet<String> all = new TreeSet<>();
    for (Candidate c : cs) {
      all.addAll(f.apply(c));
    }
    return all.stream().limit(max).toList();
  }
}
