package io.trailwatch.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.ConfigLoader;
import io.trailwatch.core.Hour;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.policy.Policy;
import io.trailwatch.policy.Severity;
import io.trailwatch.verdict.Verdict;
import io.trailwatch.verdict.VerdictKind;
import io.trailwatch.verdict.VerdictScope;
import io.trailwatch.verdict.Verdicts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verdicts in force over days of hours, decided by the hourly run's own {@code HourDecision} on the
 * backtest's memory (no Spark): an {@code expected} exception keeps its scope quiet until it expires
 * and counts who accepted it; a {@code malicious} one makes a repeat of the incident alert again, a
 * level higher, though the baseline learnt it since.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ReplayVerdictsTest {
  static final String BU = "payments";
  static final String ACCOUNT = "111111111111";
  static final String ALICE = "arn:aws:iam::111111111111:user/alice";
  static final String BOB = "arn:aws:iam::111111111111:user/bob";
  static final Instant START = Instant.parse("2026-11-02T10:00:00Z");

  static Replay replay() {
    return new Replay(new Variant("test", "inline", ConfigLoader.parse("baseline: {warmup-days: 0}\n"
        + "policy:\n  learning-days: 0\n  prevalence: {raise-when-new-to-business-unit: false}\n", "inline")));
  }

  static HourBehavior call(String principal, String source, String name, Instant at) {
    return new HourBehavior(BU, ACCOUNT, principal, "IAMUser", source, name, 1, 0, at, at, at, at, false,
        List.of("198.51.100.7"), List.of("aws-cli/2"), List.of("us-east-1"), List.of(), List.of("e-" + at), null);
  }

  static Verdict verdict(Alert a, VerdictKind kind, VerdictScope scope, Instant expires) {
    return Verdict.on(a, kind, scope, expires, "ana", a.hour().plus(Duration.ofHours(2)), null);
  }

  /** One hour a day for {@code days} days from START: alice and bob each do something new every day. */
  static List<List<HourBehavior>> days(int days) {
    List<List<HourBehavior>> out = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      Instant at = START.plus(Duration.ofDays(d)).plusSeconds(60);
      out.add(List.of(call(ALICE, "ec2.amazonaws.com", "Action" + d, at), call(BOB, "ec2.amazonaws.com", "Bob" + d, at)));
    }
    return out;
  }

  static void seed(Replay r) {
    Instant before = START.minus(Duration.ofDays(1));
    r.seed(List.of(call(ALICE, "s3.amazonaws.com", "ListBuckets", before), call(BOB, "s3.amazonaws.com", "ListBuckets",
        before)), START);
  }

  static Hour day(int d) {
    return Hour.containing(START.plus(Duration.ofDays(d)));
  }

  @Test
  void anExpectedPrincipalVerdictKeepsItQuietForSevenDaysCountsItAndAlertsResumeAfter() {
    List<List<HourBehavior>> days = days(10);
    Replay first = replay();
    seed(first);
    first.hour(day(0), days.get(0));
    Alert alice = first.result().alerts().stream().filter(a -> a.principal().equals(ALICE)).findFirst().orElseThrow();

    Replay r = replay();
    r.verdicts(new Verdicts(List.of(verdict(alice, VerdictKind.EXPECTED, VerdictScope.PRINCIPAL,
        alice.hour().plus(Duration.ofDays(7)))), Verdicts.DEFAULT_WATCH_DAYS));
    seed(r);
    for (int d = 0; d < 10; d++) {
      r.hour(day(d), days.get(d));
    }
    PolicyRun run = r.result();
    List<Instant> aliceHours = run.alerts().stream().filter(a -> a.principal().equals(ALICE)).map(Alert::hour).toList();
    assertEquals(List.of(day(0).start(), day(7).start(), day(8).start(), day(9).start()), aliceHours);
    assertEquals(10, run.alerts().stream().filter(a -> a.principal().equals(BOB)).count(), "bob is not in the scope");
    for (int d = 1; d < 7; d++) {
      assertEquals(1, run.hours().get(d).quiet().getOrDefault(Policy.Quiet.VERDICT, 0), "day " + d);
    }
    assertEquals(Map.of("ana", 6), r.acceptedBy());
  }

  /** The alert a replay without verdicts makes of this call on day 0, after the seed. */
  private Alert firstAlert(HourBehavior... calls) {
    Replay first = replay();
    seed(first);
    first.hour(day(0), List.of(calls));
    return first.result().alerts().get(0);
  }

  @Test
  void anExpectedBehaviourVerdictCoversOnlyTheAlertsBehaviours() {
    Instant at = START.plusSeconds(60);
    Alert alice = firstAlert(call(ALICE, "iam.amazonaws.com", "ListRoles", at));

    Replay r = replay();
    r.verdicts(new Verdicts(List.of(verdict(alice, VerdictKind.EXPECTED, VerdictScope.BEHAVIOUR, null)), 14));
    seed(r);
    // ListRoles was learnt at day 0; with the exception in force, a new one (DeleteRole) still alerts.
    r.hour(day(0), List.of(call(ALICE, "iam.amazonaws.com", "ListRoles", at)));
    r.hour(day(1), List.of(call(ALICE, "iam.amazonaws.com", "DeleteRole", START.plus(Duration.ofDays(1)))));
    assertEquals(2, r.result().alerts().size());
  }

  @Test
  void aConfirmedIncidentsBehaviourAlertsAgainOneLevelHigherWhileWatched() {
    Instant at = START.plusSeconds(60);
    Alert incident = firstAlert(call(ALICE, "iam.amazonaws.com", "CreateAccessKey", at));

    Replay r = replay();
    r.verdicts(new Verdicts(List.of(verdict(incident, VerdictKind.MALICIOUS, VerdictScope.BEHAVIOUR, null)), 14));
    seed(r);
    r.hour(day(0), List.of(call(ALICE, "iam.amazonaws.com", "CreateAccessKey", at)));
    r.hour(day(1), List.of(call(ALICE, "iam.amazonaws.com", "CreateAccessKey", START.plus(Duration.ofDays(1)))));
    r.hour(day(20), List.of(call(ALICE, "iam.amazonaws.com", "CreateAccessKey", START.plus(Duration.ofDays(20)))));
    List<Alert> alerts = r.result().alerts();
    assertEquals(2, alerts.size(), alerts.toString());
    assertEquals(incident.alertId(), alerts.get(0).alertId());
    assertEquals(incident.severity(), alerts.get(0).severity(), "the incident's own hour decides as it did");
    Alert repeat = alerts.get(1);
    assertEquals(incident.severity().raise(), repeat.severity());
    assertTrue(repeat.reason().contains("confirmed incident " + incident.alertId()), repeat.reason());
    assertTrue(Severity.CRITICAL.compareTo(incident.severity()) > 0, "room to raise");
    assertEquals(new PrincipalKey(BU, ACCOUNT, ALICE), repeat.principalKey());
  }
}
