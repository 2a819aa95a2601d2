package io.trailwatch.backtest;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.alerting.AlertJson;
import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.policy.Policy;
import io.trailwatch.state.StateStore;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest against the thing it stands in for: a baseline build of the seed history, then
 * {@code Pipeline.detect} once an hour on a real state. Both must raise exactly the same alerts,
 * and keep the same principals quiet for the same reasons, hour by hour.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class BacktestTest extends SparkTest {
  /**
   * A day's memory, a day's learning and warm-up: on a day of seed history, a few hours meet expired
   * behaviour coming back, refreshes, warm-up ending, learning and AWS services.
   */
  static final String BUSY_YAML = """
      baseline: {retention-days: 1, warmup-days: 1}
      policy:
        learning-days: 1
      """;
  static final TrailwatchConfig BUSY = ConfigLoader.parse(BUSY_YAML, "busy.yaml");

  @TempDir static Path shared;
  static GeneratedOrg org;
  static List<Account> accounts;
  static Window range;
  static Instant seedFrom;

  /** Backtests run by this class, by their inputs: the same inputs, the same result (see {@link #backtest}). */
  static final Map<List<Object>, BacktestResult> RESULTS = new java.util.concurrent.ConcurrentHashMap<>();

  @TempDir Path dir;

  @BeforeAll
  static void generate() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(5, 3, 4, 20, 11L, GeneratorSpec.DEFAULT_END);
    org = SyntheticOrg.generate(spec, shared.resolve("org"));
    accounts = Accounts.read(org.accountsCsv());
    // 6 hours up to and with the incident hour, on a day of seed history (the retention).
    range = new Window(spec.end().minus(Duration.ofHours(6)), spec.end());
    seedFrom = range.from().minus(Duration.ofDays(1));
  }

  @Test
  void backtestRaisesExactlyTheAlertsOfHourlyRunsOnAGeneratedOrg() {
    List<RunSummary> hourly = hourly(org.logsDir(), accounts, BUSY, range, seedFrom);
    PolicyRun run = backtest(org.logsDir(), accounts, List.of(new Variant("busy", "busy.yaml", BUSY)), range,
        seedFrom).runs().get(0);

    List<Alert> expected = hourly.stream().flatMap(s -> s.alerts().stream()).toList();
    assertEquals(idsAndSeverities(expected), idsAndSeverities(run.alerts()));
    // Every field of every alert (reason, behaviours, context), in the same order: Replay and the
    // hourly run call the same decision (HourDecision), on the in-memory state and on the tables.
    assertEquals(json(expected), json(run.alerts()));
    for (int i = 0; i < expected.size(); i++) {
      for (java.lang.reflect.RecordComponent c : Alert.class.getRecordComponents()) {
        assertEquals(field(c, expected.get(i)), field(c, run.alerts().get(i)), expected.get(i).alertId() + " "
            + c.getName());
      }
    }
    // Hour by hour: the same new behaviours, and the same principals kept quiet for the same reasons.
    assertEquals(hourly.stream().map(s -> s.newBehaviors() + " " + new java.util.TreeMap<>(s.quiet())).toList(),
        run.hours().stream().map(h -> h.newBehaviors() + " " + new java.util.TreeMap<>(h.quiet())).toList());

    // The range exercises the rules: alerts in most hours, at several severities, and the quiet rules this
    // data meets (warm-up in the first hour, learning for a new principal, AWS services baseline only).
    assertTrue(expected.stream().map(Alert::hour).distinct().count() >= 4, () -> "alert hours: " + expected);
    assertTrue(expected.stream().map(Alert::severity).distinct().count() >= 3, () -> "severities: " + expected);
    Map<Policy.Quiet, Integer> quiet = new HashMap<>();
    hourly.forEach(s -> s.quiet().forEach((k, v) -> quiet.merge(k, v, Integer::sum)));
    assertTrue(quiet.keySet().containsAll(List.of(Policy.Quiet.WARMUP, Policy.Quiet.LEARNING,
        Policy.Quiet.BASELINE_ONLY)),
        () -> "quiet: " + quiet);
  }

  static final String ACCT = "111111111111";
  static final List<Account> ONE = List.of(new Account(ACCT, "pay-prod", "payments"));
  static final Instant FROM = Instant.parse("2026-11-20T10:00:00Z");
  static final String CI = iamUser(ACCT, "ci");

  /** Logs where ci (of the one account) reads an object on each of the 3 days before {@link #FROM}. */
  Path ciReadsObjectsDaily() throws Exception {
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("AWSLogs"));
    for (int d = 3; d >= 1; d--) {
      Instant t = FROM.minus(Duration.ofDays(d));
      writeLog(logs, ACCT, "us-east-1", t.plusSeconds(600), List.of(
          record(CI, ACCT, "s3.amazonaws.com", "GetObject", t, null)));
    }
    return logs;
  }

  @Test
  void anEventCountsOnlyForAnHourWhoseRunReadsItsFile() throws Exception {
    Path logs = ciReadsObjectsDaily();
    // Seed history in a file named past the lag after the first hour: neither the baseline build nor the
    // first hour's run reads it for that event, so ListBuckets is new at 11:00.
    writeLog(logs, ACCT, "us-east-1", FROM.plusSeconds(50 * 60), List.of(
        record(CI, ACCT, "s3.amazonaws.com", "ListBuckets", FROM.minusSeconds(300), null)));
    // 11:00: PutObject sits in a file named 45 minutes after the hour (past the 30-minute lag): never read
    // for 11:00. DeleteObject is delivered twice.
    Instant h1 = FROM.plus(Duration.ofHours(1));
    String delete = record(CI, ACCT, "s3.amazonaws.com", "DeleteObject", h1.plusSeconds(900), null);
    writeLog(logs, ACCT, "us-east-1", h1.plus(Duration.ofMinutes(105)), List.of(
        record(CI, ACCT, "s3.amazonaws.com", "PutObject", h1.plusSeconds(600), null)));
    writeLog(logs, ACCT, "us-east-1", h1.plus(Duration.ofMinutes(20)), List.of(delete,
        record(CI, ACCT, "s3.amazonaws.com", "ListBuckets", h1.plusSeconds(1200), null)));
    writeLog(logs, ACCT, "us-east-1", h1.plus(Duration.ofMinutes(70)), List.of(delete));
    Window hours = new Window(FROM, FROM.plus(Duration.ofHours(3)));
    Instant seed = FROM.minus(Duration.ofDays(4));

    List<Alert> expected = hourly(logs, ONE, BUSY, hours, seed).stream()
        .flatMap(s -> s.alerts().stream()).toList();
    List<Alert> got = backtest(logs, ONE, List.of(new Variant("busy", "busy.yaml", BUSY)),
        hours, seed).runs().get(0).alerts();

    assertEquals(json(expected), json(got));
    assertEquals(List.of(h1 + " DeleteObject x1, ListBuckets x1"), got.stream().map(a -> a.hour() + " "
        + a.newBehaviors().stream().map(b -> b.eventName() + " x" + b.count()).collect(Collectors.joining(", ")))
        .toList());
  }

  @Test
  void aReturningBehaviourIsDecidedAlikeByReplayAndHourlyRuns() throws Exception {
    Path logs = ciReadsObjectsDaily();
    // Created a queue 2 days before (a day's retention: expired), and again in the second hour.
    Instant before = FROM.minus(Duration.ofDays(2)).plusSeconds(120);
    writeLog(logs, ACCT, "us-east-1", before.plusSeconds(600), List.of(
        record(CI, ACCT, "sqs.amazonaws.com", "CreateQueue", before, null)));
    Instant again = FROM.plus(Duration.ofHours(1)).plusSeconds(300);
    writeLog(logs, ACCT, "us-east-1", again.plusSeconds(600), List.of(
        record(CI, ACCT, "sqs.amazonaws.com", "CreateQueue", again, null),
        record(CI, ACCT, "sqs.amazonaws.com", "DeleteQueue", again, null)));
    Window hours = new Window(FROM, FROM.plus(Duration.ofHours(2)));
    Instant seed = FROM.minus(Duration.ofDays(4));

    List<Alert> expected = hourly(logs, ONE, BUSY, hours, seed).stream().flatMap(s -> s.alerts().stream()).toList();
    List<Alert> got = backtest(logs, ONE, List.of(new Variant("busy", "busy.yaml", BUSY)), hours, seed).runs().get(0)
        .alerts();
    assertEquals(json(expected), json(got));
    assertEquals(List.of("CreateQueue returning: last seen 2026-11-18 (2 days ago)", "DeleteQueue never seen"),
        got.stream().flatMap(a -> a.newBehaviors().stream()).map(b -> b.eventName() + " " + b.history()).toList());
    assertEquals(before, got.get(0).newBehaviors().get(0).lastSeen());
  }

  @Test
  void aComparedPolicyIsDecidedOnTheSameReadAndDiffersOnlyInItsDecisions() {
    Variant a = new Variant("busy", "busy.yaml", BUSY);
    List<Alert> alone = backtest(org.logsDir(), accounts, List.of(a), range, seedFrom).runs().get(0).alerts();
    // The principal with the most alerts, allow-listed in B.
    Map<String, Long> perPrincipal = alone.stream().collect(Collectors.groupingBy(Alert::principal,
        Collectors.counting()));
    String loudest = perPrincipal.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
        .thenComparing(Map.Entry.comparingByKey())).orElseThrow().getKey();
    TrailwatchConfig allowing = ConfigLoader.parse(BUSY_YAML
        + "  allow: [{principal: \"" + loudest + "\", reason: test}]\n", "allow.yaml");

    BacktestResult both = backtest(org.logsDir(), accounts, List.of(a, new Variant("allow", "allow.yaml",
        allowing)), range, seedFrom);

    assertEquals(json(alone), json(both.runs().get(0).alerts()));
    assertEquals(json(alone.stream().filter(x -> !x.principal().equals(loudest)).toList()),
        json(both.runs().get(1).alerts()));
    assertEquals(quiet(both.runs().get(0), Policy.Quiet.ALLOW_LISTED) + perPrincipal.get(loudest),
        quiet(both.runs().get(1), Policy.Quiet.ALLOW_LISTED));
    BacktestSummary.Difference diff = BacktestSummary.of(both).difference();
    assertEquals(List.of((long) perPrincipal.get(loudest), 0L, alone.size() - perPrincipal.get(loudest)),
        List.of(diff.onlyA(), diff.onlyB(), diff.both()));
  }

  @Test
  void verdictsInForceKeepTheirScopeQuietAndTheBacktestListsWhatTheyKeptQuiet() {
    Variant a = new Variant("busy", "busy.yaml", BUSY);
    List<Alert> plain = backtest(org.logsDir(), accounts, List.of(a), range, seedFrom).runs().get(0).alerts();
    // The principal with the most alerts (Root alerts on any activity, known or not): its first one answered
    // expected, for the principal, for good.
    String loudest = plain.stream().filter(x -> !"Root".equals(x.identityType()))
        .collect(Collectors.groupingBy(Alert::principal, Collectors.counting())).entrySet()
        .stream().max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .orElseThrow().getKey();
    Alert first = plain.stream().filter(x -> x.principal().equals(loudest)).findFirst().orElseThrow();
    List<Alert> later = plain.stream().filter(x -> x.principalKey().equals(first.principalKey())
        && x.hour().isAfter(first.hour())).toList();
    assertTrue(!later.isEmpty(), "the loudest principal alerts again");
    io.trailwatch.pipeline.Triage.Request expected = new io.trailwatch.pipeline.Triage.Request("line 1",
        first.alertId(), io.trailwatch.verdict.VerdictKind.EXPECTED, io.trailwatch.verdict.VerdictScope.PRINCIPAL,
        io.trailwatch.verdict.Expiry.NEVER, "ana", null);
    Backtest withVerdicts = new Backtest(spark, new LocalLogPlanner(org.logsDir()), new LocalOpener(),
        Progress.SILENT).withVerdicts(List.of(expected));
    BacktestResult r = withVerdicts.run(new Backtest.Request(accounts, range, seedFrom, List.of(a),
        dir.resolve("scratch-" + System.nanoTime()).toUri().toString()));

    assertEquals(json(later), json(withVerdicts.keptQuiet()));
    assertEquals(json(plain.stream().filter(x -> !later.contains(x)).toList()), json(r.runs().get(0).alerts()));
    assertEquals(Map.of("ana", later.size()), withVerdicts.acceptedBy());
    assertEquals(later.size(), quiet(r.runs().get(0), Policy.Quiet.VERDICT));

    io.trailwatch.pipeline.Triage.Request unknown = new io.trailwatch.pipeline.Triage.Request("line 2", "0000",
        io.trailwatch.verdict.VerdictKind.BENIGN, null, null, "ana", null);
    assertEquals(ErrorCode.UNKNOWN_ALERT, assertThrows(TrailwatchException.class,
        () -> Backtest.resolve(List.of(unknown), plain, 14)).code());
  }

  @Test
  void thePerRuleBreakdownAndTheBudgetAreCountedFromTheAlerts() {
    BacktestResult result = backtest(org.logsDir(), accounts, List.of(new Variant("busy", "busy.yaml", BUSY)), range,
        seedFrom);
    List<Alert> alerts = result.runs().get(0).alerts();
    BacktestSummary.PolicySummary p = BacktestSummary.of(result).policies().get(0);

    // The breakdown, counted again here from the alerts: per identity type, per severity, and per
    // dimension (an alert in each dimension it lists a new value of).
    assertEquals(alerts.stream().collect(Collectors.groupingBy(Alert::identityType, java.util.TreeMap::new,
        Collectors.counting())), rowsOf(p.breakdown().byIdentityType()));
    Map<String, Long> bySeverity = new java.util.TreeMap<>();
    alerts.forEach(a -> bySeverity.merge(a.severity().label(), 1L, Long::sum));
    Map<String, Long> reported = rowsOf(p.breakdown().bySeverity());
    reported.values().removeIf(n -> n == 0);
    assertEquals(bySeverity, reported);
    Map<String, Long> byDimension = new java.util.TreeMap<>();
    alerts.forEach(a -> a.newBehaviors().stream().filter(b -> !b.known()).map(NewBehavior::dimension).distinct()
        .forEach(d -> byDimension.merge(d, 1L, Long::sum)));
    assertEquals(byDimension, rowsOf(p.breakdown().byDimension()));
    assertTrue(p.breakdown().byIdentityType().size() >= 2, () -> "types: " + p.breakdown());

    // The rate: alerts per 1,000 principals active in the range, per day (6 hours: a quarter of one).
    // Active principals: at least those alerted, at most those the state knows (the seed's too).
    long active = p.principalsActive();
    assertTrue(active > p.principalsAlerted() && active <= result.runs().get(0).principalRows(),
        () -> active + " active, " + p.principalsAlerted() + " alerted, " + p.principals() + " known");
    double rate = alerts.size() * 1000.0 / active / 0.25;
    assertEquals(rate, p.alertRate(), 1e-9);

    BacktestSummary summary = BacktestSummary.of(result);
    BacktestBudget within = summary.withBudget(Math.ceil(rate)).budget();
    BacktestBudget over = summary.withBudget(Math.floor(rate * 0.9)).budget();
    assertEquals(List.of(false, true), List.of(within.exceeded(), over.exceeded()));
    // Over budget, it names what raises most: the loudest identity type and principal come first.
    BacktestSummary.RuleRow loudestType = p.breakdown().byIdentityType().get(0);
    assertEquals(List.of(loudestType.rule(), loudestType.alerts()), List.of(over.identityTypes().get(0).name(),
        over.identityTypes().get(0).alerts()));
    Map.Entry<String, Long> loudest = alerts.stream().collect(Collectors.groupingBy(Alert::principal,
        Collectors.counting())).entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    assertEquals(loudest.getValue(), over.principals().get(0).alerts());
    assertTrue(!over.dimensions().isEmpty() && !over.actions().isEmpty(), () -> "named: " + over);
    assertTrue(String.join("\n", over.lines()).contains("OVER BUDGET"), () -> String.join("\n", over.lines()));
  }

  static Map<String, Long> rowsOf(List<BacktestSummary.RuleRow> rows) {
    Map<String, Long> m = new java.util.TreeMap<>();
    rows.forEach(r -> m.put(r.rule(), r.alerts()));
    return m;
  }

  @Test
  void comparedConfigurationsMustReadTheLogsAlike() {
    TrailwatchConfig slower = ConfigLoader.parse("ingest: {delivery-lag-minutes: 60}\n", "b.yaml");
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> Variant.checkSharedRead(List.of(
        new Variant("A", "a.yaml", TrailwatchConfig.defaults()), new Variant("B", "b.yaml", slower))));
    assertEquals(ErrorCode.COMPARE_CONFIG_MISMATCH, e.code());
  }

  /** A baseline build of [seedFrom, range.from), then one detect run per hour of the range, on a fresh state. */
  List<RunSummary> hourly(Path logs, List<Account> accts, TrailwatchConfig cfg, Window hours, Instant seed) {
    StateStore state = StateFolders.empty(spark, dir.resolve("state-" + System.nanoTime()));
    Pipeline p = new Pipeline(spark, cfg, new LocalLogPlanner(logs), new LocalOpener(), state, Progress.SILENT);
    p.buildBaseline(new Window(seed, hours.from()), accts);
    List<RunSummary> out = new ArrayList<>();
    for (Hour h = new Hour(hours.from()); h.start().isBefore(hours.to()); h = h.plusHours(1)) {
      out.add(p.detect(h, accts));
    }
    return out;
  }

  /**
   * A backtest of these inputs; one asked for again with the same inputs (the generated
   * organisation's single-policy run) is the result already computed in this JVM.
   */
  BacktestResult backtest(Path logs, List<Account> accts, List<Variant> variants, Window hours, Instant seed) {
    List<Object> inputs = List.of(logs, accts, variants, hours, seed);
    BacktestResult done = RESULTS.get(inputs);
    if (done != null) {
      return done;
    }
    BacktestResult result = new Backtest(spark, new LocalLogPlanner(logs), new LocalOpener(), Progress.SILENT).run(
        new Backtest.Request(accts, hours, seed, variants, dir.resolve("scratch-" + System.nanoTime()).toUri()
            .toString()));
    RESULTS.put(inputs, result);
    return result;
  }

  static List<String> idsAndSeverities(List<Alert> alerts) {
    return alerts.stream().map(a -> a.alertId() + " " + a.severity().label()).sorted().toList();
  }

  static Object field(java.lang.reflect.RecordComponent c, Alert a) {
    try {
      return c.getAccessor().invoke(a);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static List<String> json(List<Alert> alerts) {
    return alerts.stream().map(AlertJson::toJson).toList();
  }

  static long quiet(PolicyRun run, Policy.Quiet rule) {
    return run.hours().stream().mapToLong(h -> h.quiet().getOrDefault(rule, 0)).sum();
  }
}
