package io.trailwatch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.config.AllowRule;
import io.trailwatch.config.PolicyConfig;
import io.trailwatch.config.TypePolicy;
import io.trailwatch.core.Hour;
import io.trailwatch.dimensions.Dimension;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** New values of region, network and client; prevalence moving severity; warm-up per dimension. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DimensionPolicyTest {
  static final Hour HOUR = Hour.parse("--hour", "2026-11-20T14");
  static final Instant OLD = HOUR.start().minus(Duration.ofDays(60));
  static final Instant LONG_AGO = HOUR.start().minus(Duration.ofDays(90));
  static final String ALICE = "arn:aws:iam::111122223333:user/alice";
  static final Set<Dimension> ALL = EnumSet.allOf(Dimension.class);
  static final History HISTORY = new History(Map.of("bu", LONG_AGO), Map.of(Dimension.REGION, Map.of("bu", LONG_AGO),
      Dimension.NETWORK, Map.of("bu", LONG_AGO), Dimension.CLIENT, Map.of("bu", LONG_AGO)));

  static Candidate value(Dimension d, String value, Map<String, Long> calls) {
    long n = calls.values().stream().mapToLong(Long::longValue).sum();
    return Candidate.builder().businessUnit("bu").accountId("111122223333").principal(ALICE).identityType("IAMUser")
        .eventSource(d.keySource()).eventName(value).events(n).firstTime(HOUR.start().plusSeconds(60))
        .lastTime(HOUR.start().plusSeconds(900)).readOnly(true).principalFirstSeen(OLD).calls(calls).build();
  }

  static Candidate api(String source, String name) {
    return Candidate.builder().businessUnit("bu").accountId("111122223333").principal(ALICE).identityType("IAMUser")
        .eventSource(source).eventName(name).events(2).firstTime(HOUR.start()).lastTime(HOUR.start().plusSeconds(5))
        .readOnly(true).principalFirstSeen(OLD).build();
  }

  static Policy.Decision decide(PolicyConfig cfg, Set<Dimension> dims, History h, List<Candidate> cs) {
    return new Policy(cfg, dims, 10, 20, 7).decide(cs, HOUR, HOUR, h);
  }

  /** Routine calls, none in the sensitive-actions catalogue. */
  static final Map<String, Long> USUAL = Map.of("ec2.amazonaws.com:DescribeVolumes", 9L,
      "sqs.amazonaws.com:SendMessage", 2L, "s3.amazonaws.com:GetObject", 1L);

  @Test
  void newRegionOfUsualCallsIsMediumAndExplainsItself() {
    Policy.Decision d = decide(PolicyConfig.defaults(), ALL, HISTORY, List.of(value(Dimension.REGION, "ap-southeast-1",
        USUAL)));
    Alert a = d.alerts().get(0);
    assertEquals(Severity.MEDIUM, a.severity(), "read-only usual calls from a new region stay medium");
    assertEquals("1 new region for IAMUser first seen " + OLD.toString().substring(0, 10)
        + ": ap-southeast-1 (12 calls: ec2:DescribeVolumes, sqs:SendMessage, s3:GetObject)", a.reason());
    NewBehavior b = a.newBehaviors().get(0);
    assertEquals("region", b.dimension());
    assertEquals("ap-southeast-1", b.value());
    assertNull(b.eventSource(), "a value is not an api call");
    assertEquals(new NewBehavior.Call("ec2.amazonaws.com:DescribeVolumes", 9), b.calls().get(0));
  }

  @Test
  void valuesOfDimensionsNotTurnedOnAreIgnored() {
    assertTrue(decide(PolicyConfig.defaults(), Set.of(Dimension.API), HISTORY,
        List.of(value(Dimension.REGION, "ap-southeast-1", USUAL))).alerts().isEmpty());
  }

  @Test
  void newNetworkOrClientAloneIsLowUnlessTheCallsAreSensitive() {
    assertEquals(Severity.LOW, decide(PolicyConfig.defaults(), ALL, HISTORY,
        List.of(value(Dimension.NETWORK, "198.51.100.0/24", USUAL))).alerts().get(0).severity());
    assertEquals(Severity.HIGH, decide(PolicyConfig.defaults(), ALL, HISTORY, List.of(value(Dimension.CLIENT,
        "python-requests", Map.of("iam.amazonaws.com:CreateAccessKey", 1L, "s3.amazonaws.com:GetObject", 3L))))
        .alerts().get(0).severity(), "CreateAccessKey is high in the catalogue");
  }

  @Test
  void eachDimensionWarmsUpOnItsOwn() {
    History regionJustOn = new History(Map.of("bu", LONG_AGO), Map.of(Dimension.REGION,
        Map.of("bu", HOUR.start().minus(Duration.ofDays(2)))));
    Policy.Decision d = decide(PolicyConfig.defaults(), ALL, regionJustOn,
        List.of(value(Dimension.REGION, "ap-southeast-1", USUAL)));
    assertTrue(d.alerts().isEmpty());
    assertEquals(1, d.quiet().get(Policy.Quiet.WARMUP));
    Policy.Decision both = decide(PolicyConfig.defaults(), ALL, regionJustOn,
        List.of(value(Dimension.REGION, "ap-southeast-1", USUAL), api("kms.amazonaws.com", "ScheduleKeyDeletion")));
    assertEquals(List.of("api"), both.alerts().get(0).newBehaviors().stream().map(NewBehavior::dimension).toList(),
        "api, warmed up long ago, alerts; the young region does not");
  }

  @Test
  void identityTypesTurnDimensionsOffAndSeverityIsConfigurable() {
    PolicyConfig apiOnlyForUsers = new PolicyConfig(null, Map.of("IAMUser", new TypePolicy(null, null, null,
        List.of(Dimension.API))), null, null, null, null, null, null);
    assertTrue(decide(apiOnlyForUsers, ALL, HISTORY, List.of(value(Dimension.REGION, "ap-southeast-1", USUAL)))
        .alerts().isEmpty());
    PolicyConfig loudRegions = new PolicyConfig(null, null, null, null, null, null,
        Map.of(Dimension.REGION, new PolicyConfig.DimensionPolicy(Severity.HIGH)), null);
    assertEquals(Severity.HIGH, decide(loudRegions, ALL, HISTORY,
        List.of(value(Dimension.REGION, "ap-southeast-1", USUAL))).alerts().get(0).severity());
  }

  @Test
  void allowListsTakeDimensionValuesAndEgressRanges() {
    PolicyConfig egress = new PolicyConfig(null, null, null, null, null, List.of(
        new AllowRule(null, null, null, null, Dimension.NETWORK, "198.51.100.0/22", "corporate egress"),
        new AllowRule(null, null, null, null, Dimension.CLIENT, "Terraform", "pipelines")), null, null);
    assertTrue(decide(egress, ALL, HISTORY, List.of(value(Dimension.NETWORK, "198.51.101.0/24", USUAL),
        value(Dimension.CLIENT, "Terraform", USUAL))).alerts().isEmpty());
    assertEquals(1, decide(egress, ALL, HISTORY, List.of(value(Dimension.NETWORK, "198.51.104.0/24", USUAL)))
        .alerts().size(), "outside the /22");
    AllowRule apiRule = new AllowRule(null, null, "ec2.amazonaws.com", "*", null);
    assertFalse(apiRule.matches("111122223333", ALICE, Dimension.REGION, Dimension.REGION.keySource(), "ec2"),
        "a rule on api calls does not silence a region");
  }

  @Test
  void behaviourNewToTheBusinessUnitRanksAboveOneManyPeersHave() {
    Candidate rare = api("kms.amazonaws.com", "DescribeKey").withPrevalence(new Prevalence(0, 0, 0, 10));
    Candidate routine = api("kms.amazonaws.com", "DescribeKey").withPrevalence(new Prevalence(8, 20, 8, 10));
    Policy.Decision r = decide(PolicyConfig.defaults(), ALL, HISTORY, List.of(rare));
    Policy.Decision c = decide(PolicyConfig.defaults(), ALL, HISTORY, List.of(routine));
    // A new read-only call of no sensitivity: medium, lowered to low; new to the BU raises it back.
    assertEquals(Severity.MEDIUM, r.alerts().get(0).severity());
    assertEquals(Severity.INFO, c.alerts().get(0).severity(), "8 of 10 IAM users have it: lowered, then read-only");
    assertTrue(r.alerts().get(0).severity().compareTo(c.alerts().get(0).severity()) > 0);
    assertEquals(Map.of(Policy.Moved.RAISED_NEW_TO_BUSINESS_UNIT, 1), r.moved());
    assertEquals(Map.of(Policy.Moved.LOWERED_ROUTINE_IN_ACCOUNT, 1), c.moved());
    assertTrue(r.alerts().get(0).reason().contains("new to the business unit: kms:DescribeKey"), r.alerts().get(0).reason());
    assertTrue(c.alerts().get(0).reason().contains("routine in the account: kms:DescribeKey (8 of 10 IAMUser peers)"),
        c.alerts().get(0).reason());
    assertEquals(new Prevalence(8, 20, 8, 10), c.alerts().get(0).newBehaviors().get(0).prevalence());
  }

  @Test
  void prevalenceRulesCanBeTurnedOff() {
    PolicyConfig off = new PolicyConfig(null, null, null, null, null, null, null,
        new PolicyConfig.PrevalenceConfig(false, 1.0, null));
    Candidate rare = api("kms.amazonaws.com", "DescribeKey").withPrevalence(new Prevalence(0, 0, 0, 10));
    Candidate routine = api("kms.amazonaws.com", "DescribeKey").withPrevalence(new Prevalence(8, 20, 8, 10));
    assertEquals(Severity.LOW, decide(off, ALL, HISTORY, List.of(rare)).alerts().get(0).severity());
    assertEquals(Severity.LOW, decide(off, ALL, HISTORY, List.of(routine)).alerts().get(0).severity());
    assertTrue(decide(off, ALL, HISTORY, List.of(rare)).moved().isEmpty());
  }

  @Test
  void rootListsItsKnownCallsButOnlyNewValues() {
    String root = "arn:aws:iam::111122223333:root";
    Candidate call = Candidate.builder().businessUnit("bu").accountId("111122223333").principal(root)
        .identityType("Root").eventSource("signin.amazonaws.com").eventName("ConsoleLogin").events(1)
        .firstTime(HOUR.start()).lastTime(HOUR.start()).known(true).build();
    Candidate usualRegion = Candidate.builder().businessUnit("bu").accountId("111122223333").principal(root)
        .identityType("Root").eventSource(Dimension.REGION.keySource()).eventName("us-east-1").events(1)
        .firstTime(HOUR.start()).lastTime(HOUR.start()).known(true).calls(Map.of("signin.amazonaws.com:ConsoleLogin", 1L))
        .build();
    Candidate newNetwork = Candidate.builder().businessUnit("bu").accountId("111122223333").principal(root)
        .identityType("Root").eventSource(Dimension.NETWORK.keySource()).eventName("203.0.113.0/24").events(1)
        .firstTime(HOUR.start()).lastTime(HOUR.start()).calls(Map.of("signin.amazonaws.com:ConsoleLogin", 1L)).build();
    Alert a = decide(PolicyConfig.defaults(), ALL, HISTORY, List.of(call, usualRegion, newNetwork)).alerts().get(0);
    assertEquals(List.of("signin:ConsoleLogin", "network 203.0.113.0/24"),
        a.newBehaviors().stream().map(NewBehavior::label).toList());
    assertEquals("Root activity (alerts on any activity): signin:ConsoleLogin; 1 new network: 203.0.113.0/24 (1 call:"
        + " signin:ConsoleLogin); sensitive up to high", a.reason());
  }

  @Test
  void fewPeersAreNotRoutine() {
    assertFalse(new Prevalence(2, 2, 2, 2).routine(0.5, 3), "2 of 2 is not enough peers to call it routine");
    assertTrue(new Prevalence(3, 3, 3, 4).routine(0.5, 3));
    assertFalse(new Prevalence(3, 3, 3, 6).routine(0.5, 3), "half is not more than half");
  }
}
