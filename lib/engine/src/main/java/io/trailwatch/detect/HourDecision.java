package io.trailwatch.detect;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.BaselineConfig;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.Hour;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.History;
import io.trailwatch.policy.Policy;
import io.trailwatch.verdict.Verdict;
import io.trailwatch.verdict.Verdicts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one decision of an hour, for the hourly run and the backtest alike: the hour's behaviours
 * compared with the state as of the detect hour ({@link Comparison}), the analysts' verdicts
 * applied ({@link Verdicts}: {@code expected} exceptions keep their scope quiet, a principal
 * under watch after a {@code malicious} one alerts a level higher), the prevalence of what would
 * alert looked up among peers ({@link Peers}), and the policy's alerts ({@link Policy#decide}).
 * Pure: it reads the state only through a {@link StateView} and writes nothing; the caller
 * applies {@link Comparison#behaviorWrites} and the alerts.
 */
public final class HourDecision {
  private final Policy policy;
  private final Set<String> anyActivityTypes;
  private final Duration returningHorizon;

  public HourDecision(Policy policy, Set<String> anyActivityTypes) {
    this(policy, anyActivityTypes, BaselineConfig.defaults().returningHorizonDays());
  }

  /** @param returningHorizonDays new behaviour last seen longer ago than this is never seen, not returning */
  public HourDecision(Policy policy, Set<String> anyActivityTypes, int returningHorizonDays) {
    this.policy = policy;
    this.anyActivityTypes = Set.copyOf(anyActivityTypes);
    this.returningHorizon = Duration.ofDays(returningHorizonDays);
  }

  public static HourDecision of(TrailwatchConfig cfg) {
    return new HourDecision(Policy.of(cfg), Policy.anyActivityTypes(cfg.policy()),
        cfg.baseline().returningHorizonDays());
  }

  /**
   * An event hour's comparison and decision.
   *
   * @param acceptedBy per analyst, how many principals an {@code expected} verdict of theirs kept quiet
   */
  public record Result(Comparison compared, Policy.Decision decision, Map<String, Integer> acceptedBy) {
    public Result {
      acceptedBy = Map.copyOf(acceptedBy);
    }

    public Result(Comparison compared, Policy.Decision decision) {
      this(compared, decision, Map.of());
    }
  }

  /**
   * @param eventHour the hour the behaviours happened in
   * @param detectHour the hourly run deciding (later than {@code eventHour} for late files); the state is as of its start
   */
  public Result decide(List<HourBehavior> seen, Hour eventHour, Hour detectHour, StateView state) {
    return decide(compare(seen, eventHour, detectHour, state), eventHour, detectHour, state);
  }

  /**
   * The first half of {@link #decide}: the hour's behaviours compared with the stored rows of their
   * keys. What it returns is all the state's writes need; the rest of the decision reads the
   * baseline only for prevalence, counted among rows first seen before the detect hour.
   */
  public Comparison compare(List<HourBehavior> seen, Hour eventHour, Hour detectHour, StateView state) {
    StateView.Rows stored = state.stored(Comparison.behaviorKeys(seen), Comparison.principalKeys(seen));
    Verdicts verdicts = state.verdicts();
    Instant when = eventHour.start();
    // A behaviour of a confirmed incident is new again while its principal is watched, even if learnt since.
    List<Stored.Behavior> known = stored.behaviors().stream()
        .filter(b -> verdicts.incident(b.key(), when).isEmpty()).toList();
    return unlearnt(Comparison.of(seen, known, stored.principals(), detectHour.start(), anyActivityTypes), verdicts,
        when);
  }

  /** The second half of {@link #decide}: verdicts, prevalence and the policy, on the hour's comparison. */
  public Result decide(Comparison compared, Hour eventHour, Hour detectHour, StateView state) {
    Verdicts verdicts = state.verdicts();
    Instant when = eventHour.start();
    History history = state.history();
    Excepted excepted = Excepted.of(compared.candidates(), verdicts, when);
    List<Candidate> candidates = excepted.kept();
    Set<PrincipalKey> watched = new HashSet<>();
    candidates.forEach(c -> verdicts.watch(c.principalKey(), when).ifPresent(v -> watched.add(c.principalKey())));
    // Prevalence and returning move severity, never whether an alert is made: looked up only for principals that alert.
    Set<PrincipalKey> alerting = policy.alerting(candidates, eventHour, detectHour, history, watched);
    candidates = returning(candidates, alerting, detectHour, state);
    List<Peers.Key> wanted = Peers.wanted(candidates, alerting);
    if (!wanted.isEmpty()) {
      StateView.PeerCounts peers = state.peers(wanted);
      candidates = Peers.withPrevalence(candidates, wanted, peers.holders(), peers.typeCounts());
    }
    Policy.Decision decided = policy.decide(candidates, eventHour, detectHour, history, watched);
    List<Alert> alerts = decided.alerts().stream().map(a -> watchedAlert(a, verdicts, when)).toList();
    Map<Policy.Quiet, Integer> quiet = new LinkedHashMap<>(decided.quiet());
    int byVerdict = excepted.acceptedBy().values().stream().mapToInt(Integer::intValue).sum();
    if (byVerdict > 0) {
      quiet.merge(Policy.Quiet.VERDICT, byVerdict, Integer::sum);
    }
    return new Result(compared, new Policy.Decision(alerts, quiet, decided.moved()), excepted.acceptedBy());
  }

  /** The hour's baseline writes without what a confirmed incident of that hour taught its principal. */
  private static Comparison unlearnt(Comparison c, Verdicts verdicts, Instant hour) {
    List<Verdict> confirmed = verdicts.confirmedIn(hour);
    if (confirmed.isEmpty()) {
      return c;
    }
    Set<BehaviorKey> taught = new HashSet<>();
    confirmed.forEach(v -> v.behaviours().forEach(b -> taught.add(b.of(v.principal()))));
    return new Comparison(c.candidates(), c.behaviorWrites().stream().filter(w -> !taught.contains(w.key())).toList(),
        c.principalWrites(), c.newBehaviors());
  }

  /** A watched principal's alert: one level higher, saying which confirmed incident it follows. */
  private static Alert watchedAlert(Alert a, Verdicts verdicts, Instant when) {
    Optional<Verdict> watch = verdicts.watch(a.principalKey(), when);
    if (watch.isEmpty()) {
      return a;
    }
    Verdict v = watch.get();
    List<String> repeated = a.newBehaviors().stream()
        .filter(b -> v.behaviours().contains(Verdict.Behaviour.of(b))).map(b -> b.label()).toList();
    String note = repeated.isEmpty()
        ? "principal under watch after the confirmed incident " + v.alertId() + " (malicious, by " + v.by() + ")"
        : "part of the confirmed incident " + v.alertId() + " (malicious, by " + v.by() + "): repeats "
            + String.join(", ", repeated);
    return a.escalated(a.severity().raise(), note);
  }

  /** The candidates left once the {@code expected} exceptions in force took theirs, and whose exceptions quieted principals. */
  record Excepted(List<Candidate> kept, Map<String, Integer> acceptedBy) {
    static Excepted of(List<Candidate> candidates, Verdicts verdicts, Instant when) {
      if (verdicts.isEmpty()) {
        return new Excepted(candidates, Map.of());
      }
      List<Candidate> kept = new ArrayList<>();
      Map<PrincipalKey, String> quieted = new TreeMap<>();
      Set<PrincipalKey> alerting = new HashSet<>();
      for (Candidate c : candidates) {
        Optional<Verdict> v = c.known() ? Optional.empty() : verdicts.exception(
            BehaviorKey.of(c.principalKey(), c.eventSource(), c.eventName()), when);
        if (v.isPresent()) {
          quieted.putIfAbsent(c.principalKey(), v.get().by());
        } else {
          kept.add(c);
          if (!c.known()) {
            alerting.add(c.principalKey());
          }
        }
      }
      Map<String, Integer> by = new HashMap<>();
      quieted.forEach((p, who) -> {
        if (!alerting.contains(p)) {
          by.merge(who, 1, Integer::sum);
        }
      });
      return new Excepted(kept, by);
    }
  }

  /**
   * The new behaviours that are returning: their baseline row expired before the detect hour
   * ({@link Comparison} found its last sighting), or {@code maintain} moved it to the memory of
   * expired behaviours ({@link StateView#expiredLastSeen}, asked only for the others of principals
   * that alert); a last sighting longer than the returning horizon before the detect hour counts
   * as never seen.
   */
  private List<Candidate> returning(List<Candidate> candidates, Set<PrincipalKey> alerting, Hour detectHour,
      StateView state) {
    List<BehaviorKey> unknown = candidates.stream()
        .filter(c -> !c.known() && c.lastSeen() == null && alerting.contains(c.principalKey()))
        .map(HourDecision::key).distinct().toList();
    Map<BehaviorKey, Instant> expired = unknown.isEmpty() ? Map.of() : state.expiredLastSeen(unknown);
    Instant horizon = detectHour.start().minus(returningHorizon);
    List<Candidate> out = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      Instant lastSeen = c.known() ? null : c.lastSeen() != null ? c.lastSeen() : expired.get(key(c));
      out.add(c.withLastSeen(lastSeen == null || lastSeen.isBefore(horizon) ? null : lastSeen));
    }
    return out;
  }

  private static BehaviorKey key(Candidate c) {
    return new BehaviorKey(c.businessUnit(), c.accountId(), c.principal(), c.eventSource(), c.eventName());
  }
}
