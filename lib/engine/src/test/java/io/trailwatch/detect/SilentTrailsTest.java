package io.trailwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.SilentTrailsConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.ingest.TamperCall;
import io.trailwatch.policy.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The silent-trail rule on ledger rows in memory, hour by hour, as a detect run sees them: the
 * ledger of the hours before, and what the run read.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SilentTrailsTest {
  static final String BU = "payments";
  static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  static final String BUSY = "111100000001";
  static final String OTHER = "111100000002";
  static final String SANDBOX = "111100000003";
  static final String NEVER = "111100000009";
  static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");
  static final SilentTrailsConfig RULE = SilentTrailsConfig.defaults();

  /** Ledger rows of [from, to) for an account whose regions deliver when {@code active} says so. */
  static List<TrailHour> rows(String account, String trail, List<String> regions, Instant from, Instant to,
      BiPredicate<String, Long> active) {
    List<TrailHour> out = new ArrayList<>();
    for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
      long index = Duration.between(START, h).toHours();
      for (String r : regions) {
        if (active.test(r, index)) {
          out.add(new TrailHour(account, r, h, trail, 100, null));
        }
      }
    }
    return out;
  }

  static BiPredicate<String, Long> always() {
    return (r, i) -> true;
  }

  /**
   * The rule's decision for {@code hour}: ledger rows before it, and the rows read of it. Decided
   * twice, on the ledger and on what a run prefetches of it, which must decide the same without
   * asking the ledger anything more.
   */
  static SilentTrails.Result decide(SilentTrailsConfig cfg, List<TrailHour> all, Instant hour, List<String> listed) {
    List<TrailHour> before = all.stream().filter(r -> r.hour().isBefore(hour)).toList();
    List<TrailHour> now = all.stream().filter(r -> r.hour().equals(hour)).toList();
    SilentTrails rule = new SilentTrails(cfg, 90);
    SilentTrails.Result direct = rule.decide(BU, new Hour(hour), listed, CoverageView.of(before), now);
    Counting ledger = new Counting(CoverageView.of(before));
    CoverageView prefetched = rule.prefetch(ledger, new Hour(hour));
    int asked = ledger.asked;
    assertEquals(direct, rule.decide(BU, new Hour(hour), listed, prefetched, now), "the prefetched ledger decides alike");
    assertEquals(asked, ledger.asked, "the decision reads nothing of the ledger beyond the prefetch");
    return direct;
  }

  /** A ledger that counts what it is asked. */
  static final class Counting implements CoverageView {
    final CoverageView of;
    int asked;

    Counting(CoverageView of) {
      this.of = of;
    }

    @Override
    public long observedHours(Instant from, Instant to) {
      asked++;
      return of.observedHours(from, to);
    }

    @Override
    public List<TrailRate> rates(Instant from, Instant to) {
      asked++;
      return of.rates(from, to);
    }

    @Override
    public List<TrailHour> hours(Instant from, Instant to) {
      asked++;
      return of.hours(from, to);
    }

    @Override
    public java.util.Set<String> accounts(Instant from, Instant to) {
      asked++;
      return of.accounts(from, to);
    }
  }

  static Instant hour(long i) {
    return START.plus(Duration.ofHours(i));
  }

  @Test
  void stopLoggingByAnIamUserThenSilenceIsOneCriticalAlertNamingTheUser() {
    Instant silentFrom = hour(200);
    List<TrailHour> all = new ArrayList<>(rows(BUSY, null, REGIONS, START, silentFrom, always()));
    all.addAll(rows(OTHER, null, REGIONS, START, hour(202), always()));
    String user = "arn:aws:iam::111100000001:user/mallory";
    // The StopLogging call is delivered in the hour before the silence, in us-east-1.
    all.removeIf(r -> r.accountId().equals(BUSY) && r.hour().equals(hour(199)) && r.region().equals("us-east-1"));
    all.add(new TrailHour(BUSY, "us-east-1", hour(199), null, 80, new TamperCall("cloudtrail.amazonaws.com",
        "StopLogging", user, "IAMUser", hour(199).plusSeconds(42 * 60))));

    assertEquals(List.of(), decide(RULE, all, hour(199), List.of(BUSY, OTHER)).alerts(), "still delivering");
    List<Alert> alerts = decide(RULE, all, silentFrom, List.of(BUSY, OTHER)).alerts();
    assertEquals(1, alerts.size(), alerts.toString());
    Alert a = alerts.get(0);
    assertEquals(Severity.CRITICAL, a.severity());
    assertEquals(user, a.principal());
    assertEquals(BUSY, a.accountId());
    assertEquals(REGIONS, a.regions());
    assertTrue(a.trailSilent());
    assertEquals(silentFrom, a.hour());
    assertEquals(List.of(), decide(RULE, all, hour(201), List.of(BUSY, OTHER)).alerts(), "one alert per silence");
  }

  @Test
  void aWholeAccountIsMoreSevereThanOneRegion() {
    List<TrailHour> all = new ArrayList<>(rows(BUSY, null, REGIONS, START, hour(200), always()));
    all.addAll(rows(BUSY, null, List.of("us-east-1"), hour(200), hour(201), always()));
    all.addAll(rows(OTHER, null, REGIONS, START, hour(200), always()));
    Alert region = decide(RULE, all, hour(200), List.of(BUSY, OTHER)).alerts().stream()
        .filter(a -> a.accountId().equals(BUSY)).findFirst().orElseThrow();
    Alert account = decide(RULE, all, hour(200), List.of(BUSY, OTHER)).alerts().stream()
        .filter(a -> a.accountId().equals(OTHER)).findFirst().orElseThrow();
    assertEquals(List.of("eu-west-1"), region.regions());
    assertEquals(Severity.MEDIUM, region.severity());
    assertEquals("trail:" + BUSY, region.principal());
    assertEquals(REGIONS, account.regions());
    assertEquals(Severity.HIGH, account.severity());
  }

  @Test
  void anOrganisationTrailThatStopsForEveryAccountIsOneAlert() {
    List<TrailHour> all = new ArrayList<>();
    List<String> accounts = List.of(BUSY, OTHER, "111100000004", "111100000005");
    for (String a : accounts) {
      all.addAll(rows(a, "o-abc123def4", REGIONS, START, hour(300), always()));
    }
    List<Alert> alerts = decide(RULE, all, hour(300), accounts).alerts();
    assertEquals(1, alerts.size(), alerts.toString());
    assertEquals("o-abc123def4", alerts.get(0).accountId());
    assertEquals(Severity.HIGH, alerts.get(0).severity());
    assertEquals("trail:o-abc123def4", alerts.get(0).principal());
  }

  @Test
  void aSandboxActiveOneHourInTenAndARegionUsedWeeklyNeverAlertOverThirtyDays() {
    long days = 30;
    Instant end = hour(days * 24);
    List<TrailHour> all = new ArrayList<>(rows(BUSY, null, List.of("us-east-1"), START, end, always()));
    // A sandbox with a burst one hour in ten, at irregular places; a region of the busy account used once a week.
    all.addAll(rows(SANDBOX, null, REGIONS, START, end, (r, i) -> r.equals("us-east-1") && (i * 7919) % 10 == 3));
    all.addAll(rows(BUSY, null, List.of("ap-southeast-2"), START, end, (r, i) -> i % (24 * 7) == 10));
    int judged = 0;
    for (long i = 0; i < days * 24; i++) {
      SilentTrails.Result r = decide(RULE, all, hour(i), List.of(BUSY, SANDBOX));
      assertEquals(List.of(), r.alerts(), "hour " + i);
      judged += r.observedHours() >= RULE.minHistoryHours() ? 1 : 0;
    }
    assertTrue(judged > 600, "the rule judged most hours: " + judged);
    // The same ledger with the busy account silent for an hour alerts: the quiet ones are quiet for their rate.
    all.removeIf(t -> t.accountId().equals(BUSY) && t.hour().equals(hour(500)));
    assertEquals(1, decide(RULE, all, hour(500), List.of(BUSY, SANDBOX)).alerts().size());
  }

  @Test
  void aListedAccountThatNeverDeliversIsReportedNotAlerted() {
    List<TrailHour> all = rows(BUSY, null, REGIONS, START, hour(101), always());
    SilentTrails.Result r = decide(RULE, all, hour(100), List.of(BUSY, NEVER));
    assertEquals(List.of(NEVER), r.neverDelivered());
    assertEquals(List.of(), r.alerts());
  }

  @Test
  void hoursInARowAlertOnceInTheLastOfThem() {
    SilentTrailsConfig three = RULE.with(0.9, 3, 72);
    List<TrailHour> all = new ArrayList<>(rows(BUSY, null, REGIONS, START, hour(200), always()));
    all.addAll(rows(OTHER, null, REGIONS, START, hour(210), always()));
    assertEquals(List.of(), decide(three, all, hour(200), List.of(BUSY, OTHER)).alerts());
    assertEquals(List.of(), decide(three, all, hour(201), List.of(BUSY, OTHER)).alerts());
    List<Alert> third = decide(three, all, hour(202), List.of(BUSY, OTHER)).alerts();
    assertEquals(1, third.size());
    assertTrue(third.get(0).reason().contains("3 hours"), third.get(0).reason());
    assertEquals(List.of(), decide(three, all, hour(203), List.of(BUSY, OTHER)).alerts());
  }

  @Test
  void quietAccountsAndTooShortAHistoryAreNotJudged() {
    List<TrailHour> all = new ArrayList<>(rows(BUSY, null, REGIONS, START, hour(100), always()));
    all.addAll(rows(OTHER, null, REGIONS, START, hour(101), always()));
    SilentTrailsConfig quiet = new SilentTrailsConfig(null, null, null, null, null, null, null, List.of(BUSY), null);
    assertEquals(List.of(), decide(quiet, all, hour(100), List.of(BUSY, OTHER)).alerts());
    assertEquals(1, decide(RULE, all, hour(100), List.of(BUSY, OTHER)).alerts().size());
    assertEquals(List.of(), decide(RULE.with(0.9, 1, 150), all, hour(100), List.of(BUSY, OTHER)).alerts());
  }
}
