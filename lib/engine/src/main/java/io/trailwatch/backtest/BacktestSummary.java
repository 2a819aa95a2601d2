package io.trailwatch.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.policy.Policy;
import io.trailwatch.policy.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every number the backtest's report shows, as one value (written as {@code summary.json}, read
 * by the report's renderer): the run's settings and data, and per policy the alerts per day,
 * the cells behind the small multiples, the top principals and new behaviours, and what each
 * quiet rule kept quiet; with two policies, the alerts only one of them raises; with
 * {@code --budget}, the first policy's check against it (null without).
 */
public record BacktestSummary(Settings settings, Data data, List<PolicySummary> policies, Difference difference,
    BacktestBudget budget) {
  /** Rows of the top-principal and top-behaviour tables. */
  public static final int TOP = 15;
  /** Alerts listed per side in {@link Difference} (the counts are complete). */
  public static final int LISTED = 100;

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  public BacktestSummary {
    policies = List.copyOf(policies);
  }

  /**
   * Where, what and how the backtest ran; times are ISO-8601 UTC. {@code seedFirstEvent}: the first
   * event found in the seed history (null: none), later than {@code seedFrom} when the logs start later.
   */
  public record Settings(String logs, int accounts, List<String> businessUnits, String from, String to,
      String seedFrom, double seedDays, String seedFirstEvent, long hours, long deliveryLagMinutes,
      String lateFiles) {}

  /** The one read, and how long the run took. {@code eventsDecided}: events of the decided hours, redeliveries dropped. */
  public record Data(long filesPlanned, long filesRead, long filesQuarantined, long bytesRead, long recordsRead,
      long recordsInRange, long recordsQuarantined, long seedEvents, long seedBehaviors, long eventsDecided,
      double readSeconds, double replaySeconds, double seconds, double recordsPerSecond) {}

  /** The policy settings that shape how many alerts there are. */
  public record PolicySettings(int learningDays, int warmupDays, int retentionDays, int manyNewBehaviors,
      int allowRules, int extraSensitiveActions) {}

  /**
   * One variant. {@code quiet}: per rule (learning, warmup, allow_listed, baseline_only), the
   * principal-hours it kept from alerting (each would otherwise have been one alert).
   * {@code principalsActive}: principals with any behaviour in the decided hours;
   * {@code alertRate}: alerts per 1,000 of them per day (what {@code --budget} limits).
   * {@code alertedBehaviors}: the new behaviours its alerts list, never seen and returning.
   */
  public record PolicySummary(String name, String source, PolicySettings settings, long alerts,
      Map<String, Long> bySeverity, long principalsAlerted, long newBehaviors, long candidates,
      Map<String, Long> quiet, List<Day> days, List<Cell> cells, List<TopPrincipal> topPrincipals,
      List<TopBehavior> topBehaviors, long baselineRows, long principals, List<String> dimensions,
      Map<String, Long> severityMoved, long principalsActive, double alertRate, Breakdown breakdown,
      AlertedBehaviors alertedBehaviors) {}

  /**
   * The per-rule breakdown: which identity types, dimensions and severities raise the alerts. An
   * alert counts once in its identity type and its severity, and once in each dimension it lists a
   * new value of (so the dimension rows can add up to more than the alerts).
   */
  public record Breakdown(List<RuleRow> byIdentityType, List<RuleRow> byDimension, List<RuleRow> bySeverity) {
    public Breakdown {
      byIdentityType = List.copyOf(byIdentityType);
      byDimension = List.copyOf(byDimension);
      bySeverity = List.copyOf(bySeverity);
    }
  }

  /**
   * One rule (an identity type, a dimension or a severity): its alerts, the principals they name,
   * its share of all alerts and its own alerts per 1,000 active principals per day. Verdict figures
   * (alerts with a verdict, the share benign or expected; issue 28) belong here as further fields
   * once verdicts exist.
   */
  public record RuleRow(String rule, long alerts, long principals, double share, double alertRate) {}

  /** The new behaviours alerts list: never seen before, or returning after their baseline row expired. */
  public record AlertedBehaviors(long neverSeen, long returning) {
    static AlertedBehaviors of(List<Alert> alerts) {
      long neverSeen = 0;
      long returning = 0;
      for (Alert a : alerts) {
        for (NewBehavior b : a.newBehaviors()) {
          if (b.returning()) {
            returning++;
          } else if (!b.known()) {
            neverSeen++;
          }
        }
      }
      return new AlertedBehaviors(neverSeen, returning);
    }
  }

  /** One day of one policy. */
  public record Day(String day, long alerts, Map<String, Long> bySeverity, long events, long newBehaviors,
      Map<String, Long> quiet) {}

  /** Alerts of one day, business unit, identity type and severity (non-zero cells only). */
  public record Cell(String day, String businessUnit, String identityType, String severity, long alerts) {}

  public record TopPrincipal(String principal, String accountId, String businessUnit, String identityType,
      long alerts, String maxSeverity, String firstHour, String lastHour) {}

  /** A behaviour by how many alerts list it as new (of which {@code returning} as returning), and for how many principals. */
  public record TopBehavior(String eventSource, String eventName, long alerts, long principals,
      String sensitivity, long returning) {}

  /** The alerts one policy raises and the other does not (by alert id: principal and hour). */
  public record Difference(String a, String b, long onlyA, long onlyB, long both, List<AlertLine> onlyInA,
      List<AlertLine> onlyInB) {}

  public record AlertLine(String alertId, String hour, String businessUnit, String accountId, String principal,
      String identityType, String severity, String reason) {
    static AlertLine of(Alert a) {
      return new AlertLine(a.alertId(), a.hour().toString(), a.businessUnit(), a.accountId(), a.principal(),
          a.identityType(), a.severity().label(), a.reason());
    }
  }

  /** The quiet rules' keys, in the report's order. */
  public static final Map<Policy.Quiet, String> QUIET_KEYS = quietKeys();

  private static Map<Policy.Quiet, String> quietKeys() {
    Map<Policy.Quiet, String> m = new LinkedHashMap<>();
    m.put(Policy.Quiet.LEARNING, "learning");
    m.put(Policy.Quiet.WARMUP, "warmup");
    m.put(Policy.Quiet.ALLOW_LISTED, "allow_listed");
    m.put(Policy.Quiet.BASELINE_ONLY, "baseline_only");
    return java.util.Collections.unmodifiableMap(m);
  }

  public static BacktestSummary of(BacktestResult r) {
    BacktestResult.Settings s = r.settings();
    List<LocalDate> days = Backtest.days(new io.trailwatch.core.Window(s.from(), s.to()));
    Settings settings = new Settings(s.logs(), s.accounts(), s.businessUnits(), s.from().toString(),
        s.to().toString(), s.seedFrom().toString(), Duration.between(s.seedFrom(), s.from()).toHours() / 24.0,
        r.seed().firstEvent() == null ? null : r.seed().firstEvent().toString(),
        Duration.between(s.from(), s.to()).toHours(), s.deliveryLag().toMinutes(),
        "Each hour is decided once, with every file its hourly run reads (named up to " + s.deliveryLag().toMinutes()
            + " minutes after the hour). Files that reached the bucket after an hour's run in production (and"
            + " raised late alerts there) are on time here; events in files named later than that are not seen,"
            + " by hourly detection either.");
    long events = r.runs().isEmpty() ? 0 : r.runs().get(0).hours().stream().mapToLong(HourTally::events).sum();
    Data data = new Data(r.filesPlanned(), r.read().files(), r.read().quarantinedFiles() + r.filesRejected(),
        r.read().bytes(), r.read().records(), r.read().inWindow(), r.read().quarantinedRecords(), r.seed().events(),
        r.seed().behaviors(), events,
        r.readSeconds(), r.replaySeconds(), r.seconds(), r.read().records() / Math.max(r.seconds(), 1e-9));
    List<PolicySummary> policies = r.runs().stream().map(run -> policy(run, days)).toList();
    Difference diff = r.runs().size() < 2 ? null : difference(r.runs().get(0), r.runs().get(1));
    return new BacktestSummary(settings, data, policies, diff, null);
  }

  /** This summary with the first policy checked against {@code limit} alerts per 1,000 principals a day. */
  public BacktestSummary withBudget(double limit) {
    return new BacktestSummary(settings, data, policies, difference,
        BacktestBudget.check(policies.get(0), settings.hours(), limit));
  }

  static PolicySummary policy(PolicyRun run, List<LocalDate> days) {
    TrailwatchConfig c = run.variant().config();
    PolicySettings settings = new PolicySettings(c.policy().learningDays(), c.baseline().warmupDays(),
        c.baseline().retentionDays(), c.policy().manyNewBehaviors(), c.policy().allow().size(),
        c.policy().sensitiveActions().size());
    Map<LocalDate, DayAcc> byDay = new TreeMap<>();
    days.forEach(d -> byDay.put(d, new DayAcc()));
    Map<String, Long> moved = new TreeMap<>();
    for (Policy.Moved m : Policy.Moved.values()) {
      moved.put(m.name().toLowerCase(java.util.Locale.ROOT), 0L);
    }
    for (HourTally h : run.hours()) {
      DayAcc d = byDay.get(Backtest.day(h.hour()));
      d.events += h.events();
      d.newBehaviors += h.newBehaviors();
      d.candidates += h.candidates();
      h.quiet().forEach((k, v) -> d.quiet.merge(QUIET_KEYS.get(k), (long) v, Long::sum));
      h.moved().forEach((k, v) -> moved.merge(k.name().toLowerCase(java.util.Locale.ROOT), (long) v, Long::sum));
    }
    Map<CellKey, Long> cells = new TreeMap<>(Comparator.comparing(CellKey::day).thenComparing(CellKey::businessUnit)
        .thenComparing(CellKey::identityType).thenComparing(CellKey::severity));
    for (Alert a : run.alerts()) {
      DayAcc d = byDay.get(Backtest.day(a.hour()));
      d.alerts++;
      d.bySeverity.merge(a.severity().label(), 1L, Long::sum);
      cells.merge(new CellKey(Backtest.day(a.hour()).toString(), a.businessUnit(), a.identityType(),
          a.severity().label()), 1L, Long::sum);
    }
    List<Day> dayRows = new ArrayList<>();
    Map<String, Long> bySeverity = severities();
    Map<String, Long> quiet = quietZero();
    long fresh = 0;
    long candidates = 0;
    for (Map.Entry<LocalDate, DayAcc> e : byDay.entrySet()) {
      DayAcc d = e.getValue();
      Map<String, Long> sev = severities();
      d.bySeverity.forEach((k, v) -> sev.merge(k, v, Long::sum));
      Map<String, Long> q = quietZero();
      d.quiet.forEach((k, v) -> q.merge(k, v, Long::sum));
      dayRows.add(new Day(e.getKey().toString(), d.alerts, sev, d.events, d.newBehaviors, q));
      sev.forEach((k, v) -> bySeverity.merge(k, v, Long::sum));
      q.forEach((k, v) -> quiet.merge(k, v, Long::sum));
      fresh += d.newBehaviors;
      candidates += d.candidates;
    }
    List<Cell> cellRows = new ArrayList<>();
    cells.forEach((k, v) -> cellRows.add(new Cell(k.day(), k.businessUnit(), k.identityType(), k.severity(), v)));
    long principalsAlerted = run.alerts().stream().map(Alert::principalKey).distinct().count();
    double hours = run.hours().size();
    return new PolicySummary(run.variant().name(), run.variant().source(), settings, run.alerts().size(),
        bySeverity, principalsAlerted, fresh, candidates, quiet, dayRows, cellRows, topPrincipals(run.alerts()),
        topBehaviors(run.alerts()), run.baselineRows(), run.principalRows(),
        c.baseline().enabledDimensions().stream().map(io.trailwatch.dimensions.Dimension::label).toList(), moved,
        run.principalsActive(), alertRate(run.alerts().size(), run.principalsActive(), hours),
        breakdown(run.alerts(), run.principalsActive(), hours), AlertedBehaviors.of(run.alerts()));
  }

  /** Alerts per 1,000 principals per day: 0 when nothing alerted, infinite when alerts came from no active principal. */
  public static double alertRate(long alerts, long principals, double hours) {
    if (alerts == 0) {
      return 0;
    }
    if (principals == 0 || hours == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return alerts * 1000.0 / principals / (hours / 24.0);
  }

  /** The alerts by identity type, by dimension and by severity (severities highest first, all listed). */
  static Breakdown breakdown(List<Alert> alerts, long principalsActive, double hours) {
    Map<String, List<Alert>> byType = new TreeMap<>();
    Map<String, List<Alert>> byDimension = new TreeMap<>();
    Map<String, List<Alert>> bySeverity = new LinkedHashMap<>();
    severities().keySet().forEach(s -> bySeverity.put(s, new ArrayList<>()));
    for (Alert a : alerts) {
      byType.computeIfAbsent(a.identityType(), k -> new ArrayList<>()).add(a);
      bySeverity.get(a.severity().label()).add(a);
      a.newBehaviors().stream().filter(b -> !b.known()).map(NewBehavior::dimension).distinct()
          .forEach(d -> byDimension.computeIfAbsent(d, k -> new ArrayList<>()).add(a));
    }
    return new Breakdown(rows(byType, alerts.size(), principalsActive, hours, true),
        rows(byDimension, alerts.size(), principalsActive, hours, true),
        rows(bySeverity, alerts.size(), principalsActive, hours, false));
  }

  private static List<RuleRow> rows(Map<String, List<Alert>> groups, long total, long principalsActive, double hours,
      boolean largestFirst) {
    List<RuleRow> out = new ArrayList<>();
    groups.forEach((rule, as) -> out.add(new RuleRow(rule, as.size(),
        as.stream().map(Alert::principalKey).distinct().count(), total == 0 ? 0 : (double) as.size() / total,
        alertRate(as.size(), principalsActive, hours))));
    if (largestFirst) {
      out.sort(Comparator.comparingLong(RuleRow::alerts).reversed().thenComparing(RuleRow::rule));
    }
    return out;
  }

  /** The alerts of one day, business unit, identity type and severity: a cell of the report's table. */
  private record CellKey(String day, String businessUnit, String identityType, String severity) {}

  /** A behaviour as the report lists it: (event source, event name), or (dimension, value). */
  private record BehaviorName(String first, String second) {}

  private static final class DayAcc {
    long alerts;
    long events;
    long newBehaviors;
    long candidates;
    final Map<String, Long> bySeverity = new HashMap<>();
    final Map<String, Long> quiet = new HashMap<>();
  }

  /** Every severity, highest first, at zero. */
  static Map<String, Long> severities() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = Severity.values().length - 1; i >= 0; i--) {
      m.put(Severity.values()[i].label(), 0L);
    }
    return m;
  }

  private static Map<String, Long> quietZero() {
    Map<String, Long> m = new LinkedHashMap<>();
    QUIET_KEYS.values().forEach(k -> m.put(k, 0L));
    return m;
  }

  static List<TopPrincipal> topPrincipals(List<Alert> alerts) {
    Map<io.trailwatch.core.PrincipalKey, List<Alert>> by = new HashMap<>();
    for (Alert a : alerts) {
      by.computeIfAbsent(a.principalKey(), k -> new ArrayList<>()).add(a);
    }
    List<TopPrincipal> out = new ArrayList<>();
    for (List<Alert> as : by.values()) {
      Alert first = as.get(0);
      Severity max = as.stream().map(Alert::severity).reduce(Severity::max).orElseThrow();
      String firstHour = as.stream().map(a -> a.hour().toString()).min(String::compareTo).orElseThrow();
      String lastHour = as.stream().map(a -> a.hour().toString()).max(String::compareTo).orElseThrow();
      out.add(new TopPrincipal(first.principal(), first.accountId(), first.businessUnit(), first.identityType(),
          as.size(), max.label(), firstHour, lastHour));
    }
    out.sort(Comparator.comparingLong(TopPrincipal::alerts).reversed()
        .thenComparing(t -> Severity.valueOf(t.maxSeverity().toUpperCase(java.util.Locale.ROOT)),
            Comparator.reverseOrder())
        .thenComparing(TopPrincipal::principal).thenComparing(TopPrincipal::accountId));
    return List.copyOf(out.subList(0, Math.min(TOP, out.size())));
  }

  static List<TopBehavior> topBehaviors(List<Alert> alerts) {
    Map<BehaviorName, long[]> counts = new HashMap<>();
    Map<BehaviorName, Set<io.trailwatch.core.PrincipalKey>> principals = new HashMap<>();
    Map<BehaviorName, String> sensitivity = new HashMap<>();
    for (Alert a : alerts) {
      for (NewBehavior b : a.newBehaviors()) {
        if (b.known()) {
          continue;
        }
        // A value of another dimension is listed as (dimension, value): ("region", "ap-southeast-1").
        BehaviorName k = b.isApi() ? new BehaviorName(b.eventSource(), b.eventName())
            : new BehaviorName(b.dimension(), b.value());
        long[] n = counts.computeIfAbsent(k, x -> new long[2]);
        n[0]++;
        n[1] += b.returning() ? 1 : 0;
        // An account belongs to one business unit: the same as counting (account, principal).
        principals.computeIfAbsent(k, x -> new HashSet<>()).add(a.principalKey());
        if (b.sensitivity() != null) {
          sensitivity.put(k, b.sensitivity());
        }
      }
    }
    List<TopBehavior> out = new ArrayList<>();
    counts.forEach((k, n) -> out.add(new TopBehavior(k.first(), k.second(), n[0], principals.get(k).size(),
        sensitivity.get(k), n[1])));
    out.sort(Comparator.comparingLong(TopBehavior::alerts).reversed().thenComparing(TopBehavior::eventSource)
        .thenComparing(TopBehavior::eventName));
    return List.copyOf(out.subList(0, Math.min(TOP, out.size())));
  }

  static Difference difference(PolicyRun a, PolicyRun b) {
    Set<String> idsA = new HashSet<>();
    a.alerts().forEach(x -> idsA.add(x.alertId()));
    Set<String> idsB = new HashSet<>();
    b.alerts().forEach(x -> idsB.add(x.alertId()));
    List<Alert> onlyA = a.alerts().stream().filter(x -> !idsB.contains(x.alertId())).toList();
    List<Alert> onlyB = b.alerts().stream().filter(x -> !idsA.contains(x.alertId())).toList();
    return new Difference(a.variant().name(), b.variant().name(), onlyA.size(), onlyB.size(),
        a.alerts().size() - onlyA.size(), onlyA.stream().limit(LISTED).map(AlertLine::of).toList(),
        onlyB.stream().limit(LISTED).map(AlertLine::of).toList());
  }

  /** The summary as JSON (snake_case keys). */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot write the backtest summary as JSON");
    }
  }

  public void write(Path file) {
    try {
      Files.writeString(file, toJson() + "\n");
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.OUTPUT_NOT_WRITABLE, "Cannot write %s: %s", file, e.getMessage());
    }
  }
}
