package io.trailwatch.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.policy.Severity;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the verdicts teach per rule, and which verdict counts when an alert has several. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrecisionTest {
  static final Instant H = Instant.parse("2026-11-20T10:00:00Z");

  static Alert alert(String principal, String type, Severity s, NewBehavior... b) {
    return Alert.builder().alertId(Alert.idFor("pay", "111111111111", principal, H, H)).hour(H).detectHour(H)
        .businessUnit("pay").accountId("111111111111").principal(principal).identityType(type).severity(s)
        .reason("r").newBehaviors(List.of(b)).build();
  }

  static NewBehavior api(String name) {
    return new NewBehavior("iam.amazonaws.com", name, 1, H, H, false, false, null, false);
  }

  static NewBehavior region(String value) {
    return new NewBehavior(null, null, 1, H, H, false, false, null, false, "region", value, null, null, null);
  }

  @Test
  void eachRuleCountsItsAlertsVerdictsAndTheShareBenignOrExpected() {
    Alert bot = alert("bot", "AssumedRole", Severity.MEDIUM, api("ListRoles"), region("eu-west-3"));
    Alert ci = alert("ci", "AssumedRole", Severity.MEDIUM, api("GetRole"));
    Alert alice = alert("alice", "IAMUser", Severity.HIGH, api("CreateAccessKey"));
    Verdict first = Verdict.on(bot, VerdictKind.MALICIOUS, VerdictScope.BEHAVIOUR, null, "ana", H.plusSeconds(7200), null);
    Verdict later = Verdict.on(bot, VerdictKind.EXPECTED, VerdictScope.PRINCIPAL, null, "bo", H.plusSeconds(9000), null);
    Verdict benign = Verdict.on(ci, VerdictKind.BENIGN, VerdictScope.BEHAVIOUR, null, "ana", H.plusSeconds(7200), null);
    List<Precision.Row> rows = Precision.of(List.of(bot, ci, alice), new Verdicts(List.of(later, benign, first), 14));
    assertEquals(List.of(
        new Precision.Row(Precision.By.IDENTITY_TYPE, "AssumedRole", 2, 2, 1, 1, 0),
        new Precision.Row(Precision.By.IDENTITY_TYPE, "IAMUser", 1, 0, 0, 0, 0),
        new Precision.Row(Precision.By.DIMENSION, "api", 3, 2, 1, 1, 0),
        new Precision.Row(Precision.By.DIMENSION, "region", 1, 1, 0, 1, 0),
        new Precision.Row(Precision.By.SEVERITY, "high", 1, 0, 0, 0, 0),
        new Precision.Row(Precision.By.SEVERITY, "medium", 2, 2, 1, 1, 0)), rows);
    assertEquals(1.0, rows.get(0).noise());
    assertNull(rows.get(1).noise(), "no verdict, no share");
  }
}
