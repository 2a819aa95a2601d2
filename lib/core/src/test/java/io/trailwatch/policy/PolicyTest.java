package io.trailwatch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.AllowRule;
import io.trailwatch.config.PolicyConfig;
import io.trailwatch.core.Hour;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PolicyTest {
  static final Hour HOUR = Hour.parse("--hour", "2026-11-20T14");
  static final Instant OLD = HOUR.start().minus(Duration.ofDays(60));
  static final Map<String, Instant> HISTORY = Map.of("bu", HOUR.start().minus(Duration.ofDays(90)));
  static final String USER = "arn:aws:iam::111122223333:user/ci";

  static Candidate c(String principal, String type, String source, String name, boolean known, Instant firstSeen,
      long events, long failed, boolean readOnly) {
    return new Candidate("bu", "111122223333", principal, type, source, name, events, failed, HOUR.start(),
        HOUR.start().plusSeconds(60), readOnly, known, firstSeen, List.of("203.0.113.9"), List.of("ua"),
        List.of("us-east-1"), List.of("e1"), Map.of(), null);
  }

  static Candidate newCall(String principal, String type, String source, String name) {
    return c(principal, type, source, name, false, OLD, 3, 0, false);
  }

  static List<Alert> decide(PolicyConfig cfg, List<Candidate> cs) {
    return new Policy(cfg, 10, 20, 7).decide(cs, HOUR, HOUR, HISTORY).alerts();
  }

  static List<Alert> decide(List<Candidate> cs) {
    return decide(PolicyConfig.defaults(), cs);
  }

  @Test
  void oneAlertPerPrincipalListingAllItsNewBehaviours() {
    List<Alert> a = decide(List.of(newCall(USER, "IAMUser", "s3.amazonaws.com", "ListBuckets"),
        newCall(USER, "IAMUser", "iam.amazonaws.com", "CreateAccessKey"),
        newCall("arn:aws:iam::111122223333:role/app", "AssumedRole", "sqs.amazonaws.com", "SendMessage")));
    assertEquals(2, a.size());
    Alert user = a.stream().filter(x -> x.principal().equals(USER)).findFirst().orElseThrow();
    assertEquals(List.of("CreateAccessKey", "ListBuckets"), user.newBehaviors().stream().map(b -> b.eventName()).toList());
    assertEquals(Severity.HIGH, user.severity(), "CreateAccessKey is in the catalogue as high");
    assertEquals(Alert.idFor("bu", "111122223333", USER, HOUR.start(), HOUR.start()), user.alertId());
    assertTrue(user.reason().contains("iam:CreateAccessKey"), user.reason());
  }

  static final Instant LAST_SEEN = HOUR.start().minus(Duration.ofDays(140));

  static PolicyConfig returningDrop(int levels) {
    return new PolicyConfig(null, null, null, null, null, null, null, null, levels);
  }

  @Test
  void aReturningBehaviourIsOneLevelLowerButASensitiveCallKeepsItsCatalogueLevel() {
    Candidate queue = newCall(USER, "IAMUser", "sqs.amazonaws.com", "CreateQueue");
    Candidate key = newCall(USER, "IAMUser", "iam.amazonaws.com", "CreateAccessKey");
    assertEquals(Severity.MEDIUM, decide(List.of(queue)).get(0).severity(), "never seen: the type's level");
    Alert back = decide(List.of(queue.withLastSeen(LAST_SEEN))).get(0);
    assertEquals(Severity.LOW, back.severity(), "returning: one level lower by default");
    assertEquals("returning: last seen 2026-07-03 (140 days ago)", back.newBehaviors().get(0).history());
    assertEquals(LAST_SEEN, back.newBehaviors().get(0).lastSeen());
    assertTrue(back.reason().endsWith("; returning: sqs:CreateQueue (last seen 2026-07-03, 140 days ago)"),
        back.reason());
    assertEquals(Severity.MEDIUM, decide(returningDrop(0), List.of(queue.withLastSeen(LAST_SEEN))).get(0).severity(),
        "returning-severity-drop 0 turns it off");

    assertEquals(Severity.HIGH, decide(List.of(key)).get(0).severity(), "CreateAccessKey is high in the catalogue");
    assertEquals(Severity.HIGH, decide(returningDrop(2), List.of(key.withLastSeen(LAST_SEEN))).get(0).severity(),
        "returning, never below the catalogue's level");
    Alert mixed = decide(returningDrop(2), List.of(key.withLastSeen(LAST_SEEN), queue)).get(0);
    assertEquals(List.of("high", "medium"), mixed.newBehaviors().stream().map(b -> b.severity()).toList());
    assertEquals(List.of("returning: last seen 2026-07-03 (140 days ago)", "never seen"),
        mixed.newBehaviors().stream().map(b -> b.history()).toList());
  }

  @Test
  void newPrincipalsAreLearnedNotAlerted() {
    assertEquals(0, decide(List.of(c(USER, "IAMUser", "s3.amazonaws.com", "GetObject", false, null, 1, 0, false))).size());
    Instant tenDaysAgo = HOUR.start().minus(Duration.ofDays(10));
    assertEquals(0, decide(List.of(c(USER, "IAMUser", "s3.amazonaws.com", "GetObject", false, tenDaysAgo, 1, 0, false))).size());
    Instant twentyDaysAgo = HOUR.start().minus(Duration.ofDays(20));
    assertEquals(1, decide(List.of(c(USER, "IAMUser", "s3.amazonaws.com", "GetObject", false, twentyDaysAgo, 1, 0, false))).size());
  }

  @Test
  void nothingAlertsDuringWarmUpButRoot() {
    Policy p = new Policy(PolicyConfig.defaults(), 10, 20, 7);
    Map<String, Instant> young = Map.of("bu", HOUR.start().minus(Duration.ofDays(2)));
    String root = "arn:aws:iam::111122223333:root";
    Policy.Decision d = p.decide(List.of(newCall(USER, "IAMUser", "s3.amazonaws.com", "ListBuckets"),
        c(root, "Root", "signin.amazonaws.com", "ConsoleLogin", true, null, 1, 0, false)), HOUR, HOUR, young);
    assertEquals(List.of(root), d.alerts().stream().map(Alert::principal).toList());
    assertEquals(1, d.quiet().get(Policy.Quiet.WARMUP));
  }

  @Test
  void rootAlertsOnAnyActivityEvenKnown() {
    String root = "arn:aws:iam::111122223333:root";
    List<Alert> a = decide(List.of(c(root, "Root", "s3.amazonaws.com", "ListBuckets", true, OLD, 1, 0, true)));
    assertEquals(1, a.size());
    assertEquals(Severity.HIGH, a.get(0).severity());
    assertTrue(a.get(0).newBehaviors().get(0).known());
  }

  @Test
  void awsServicesAndServiceLinkedRolesAreBaselineOnly() {
    assertEquals(0, decide(List.of(newCall("service:config.amazonaws.com", "AWSService", "config.amazonaws.com", "Put"),
        newCall("arn:aws:iam::111122223333:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway",
            "AssumedRole", "ec2.amazonaws.com", "CreateNetworkInterface"))).size());
  }

  @Test
  void allowListsSilencePrincipalsAndBehaviours() {
    PolicyConfig cfg = new PolicyConfig(null, null, null, null, null, List.of(
        new AllowRule(null, "arn:aws:iam::*:role/scanner", null, null, "scanner"),
        new AllowRule("111122223333", null, "s3.amazonaws.com", "ListBuckets", null)));
    List<Alert> a = decide(cfg, List.of(
        newCall("arn:aws:iam::111122223333:role/scanner", "AssumedRole", "iam.amazonaws.com", "ListUsers"),
        newCall(USER, "IAMUser", "s3.amazonaws.com", "ListBuckets"),
        newCall(USER, "IAMUser", "s3.amazonaws.com", "GetObject")));
    assertEquals(1, a.size());
    assertEquals(List.of("GetObject"), a.get(0).newBehaviors().stream().map(b -> b.eventName()).toList());
  }

  @Test
  void severityRisesWithManyNewBehavioursAndFallsWhenAllAreReadOnly() {
    List<Candidate> many = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      many.add(c(USER, "IAMUser", "ec2.amazonaws.com", "Describe" + i, false, OLD, 1, 0, true));
    }
    assertEquals(Severity.MEDIUM, decide(many).get(0).severity(), "medium, raised for 5 new, lowered for read-only");
    assertEquals(Severity.LOW, decide(List.of(c(USER, "IAMUser", "ec2.amazonaws.com", "DescribeVpcs", false, OLD,
        1, 0, true))).get(0).severity());
    assertEquals(Severity.CRITICAL, decide(List.of(newCall(USER, "IAMUser", "cloudtrail.amazonaws.com",
        "StopLogging"))).get(0).severity());
  }

  @Test
  void failedOnlyBehaviourIsReportedAsFailed() {
    Alert a = decide(List.of(c(USER, "IAMUser", "secretsmanager.amazonaws.com", "GetSecretValue", false, OLD, 2, 2,
        true))).get(0);
    assertTrue(a.newBehaviors().get(0).failed());
    assertTrue(a.reason().contains("(failed)"), a.reason());
  }
}
