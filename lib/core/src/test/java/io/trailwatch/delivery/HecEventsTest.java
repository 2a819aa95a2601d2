package io.trailwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.policy.Severity;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HEC event of an alert, whole: the envelope, the alert's fields and the CIM Alerts fields. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HecEventsTest {
  static final Instant HOUR = Instant.parse("2026-11-20T14:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();
  /** When the alert is sent: 1 h 35 min after its hour began. */
  static final Instant SENT = HOUR.plusSeconds(95 * 60);

  static Alert alert(Severity severity, boolean known) {
    String principal = "arn:aws:iam::111122223333:user/ci";
    return new Alert(Alert.idFor("payments", "111122223333", principal, HOUR, HOUR), HOUR, HOUR, "payments",
        "111122223333", principal, "IAMUser", severity, "1 new behaviour for IAMUser first seen 2026-09-01: "
            + "iam:CreateAccessKey", false,
        List.of(new NewBehavior("iam.amazonaws.com", "CreateAccessKey", 2, HOUR.plusSeconds(754),
            HOUR.plusSeconds(800), false, false, "high", known)),
        List.of("203.0.113.9", "198.51.100.7"), List.of("aws-cli/2.15.0"), List.of("us-east-1", "eu-west-1"),
        List.of("e-1"));
  }

  @Test
  void eventCarriesTheAlertAndTheCimAlertsFields() throws Exception {
    HecSettings s = HecSettings.builder(URI.create("https://splunk.example:8088"), Secret.of("t"))
        .index("security").host("emr-job-1").build();
    Alert a = alert(Severity.HIGH, false);
    String expected = """
        {"time":1795188900,"host":"emr-job-1","source":"trailwatch","sourcetype":"trailwatch:alert",
         "index":"security","event":{
          "alert_id":"%s","hour":"2026-11-20T14:00:00Z","detect_hour":"2026-11-20T14:00:00Z",
          "account_id":"111122223333","business_unit":"payments","principal":"arn:aws:iam::111122223333:user/ci",
          "identity_type":"IAMUser","severity":"high","late":false,
          "new_behaviors":[{"event_source":"iam.amazonaws.com","event_name":"CreateAccessKey","count":2,
            "first_time":"2026-11-20T14:12:34Z","last_time":"2026-11-20T14:13:20Z","failed":false,
            "read_only":false,"sensitivity":"high","known":false,"history":"never seen","last_seen":null,
            "dimension":"api","value":null,"severity":null,
            "mitre_technique_id":"T1098.001","calls":[],"prevalence":null}],
          "source_ips":["203.0.113.9","198.51.100.7"],"user_agents":["aws-cli/2.15.0"],
          "regions":["us-east-1","eu-west-1"],"event_ids":["e-1"],
          "reason":"1 new behaviour for IAMUser first seen 2026-09-01: iam:CreateAccessKey",
          "first_time":"2026-11-20T14:12:34Z",
          "app":"trailwatch","severity_id":4,"signature":"New behaviour by IAMUser",
          "signature_id":"trailwatch:new-behavior",
          "user":"arn:aws:iam::111122223333:user/ci","src":"203.0.113.9","dest":"111122223333",
          "vendor_account":"111122223333","vendor_region":"us-east-1",
          "mitre_technique_id":"T1098.001","mitre_technique_ids":["T1098.001"],
          "description":"arn:aws:iam::111122223333:user/ci (IAMUser) in account 111122223333 (business unit payments), hour 2026-11-20T14:00:00Z: 1 new behaviour for IAMUser first seen 2026-09-01: iam:CreateAccessKey",
          "id":"%s","type":"alert"}}
        """.formatted(a.alertId(), a.alertId());
    assertEquals(JSON.readTree(expected), JSON.readTree(HecEvents.bytes(a, s, SENT)));
  }

  @Test
  void aSilentTrailHasItsOwnSignatureAndTheLoggingTamperTechnique() throws Exception {
    String user = "arn:aws:iam::111122223333:user/mallory";
    Alert a = Alert.builder().alertId(Alert.idFor("payments", "111122223333", Alert.TRAIL_SILENT, HOUR, HOUR))
        .hour(HOUR).detectHour(HOUR).businessUnit("payments").accountId("111122223333").principal(user)
        .identityType(Alert.TRAIL_SILENT).severity(Severity.CRITICAL).reason("Trail silent").regions(List.of("us-east-1"))
        .build();
    com.fasterxml.jackson.databind.JsonNode e = JSON.readTree(HecEvents.bytes(a,
        HecSettings.builder(URI.create("https://splunk.example:8088"), Secret.of("t")).build(), SENT)).path("event");
    assertEquals("trailwatch:trail-silent", e.path("signature_id").asText());
    assertEquals("T1562.008", e.path("mitre_technique_id").asText());
    assertEquals(user, e.path("user").asText());
    assertEquals(5, e.path("severity_id").asInt());
    assertEquals("us-east-1", e.path("vendor_region").asText());
  }

  @Test
  void aReturningBehaviourSaysWhenItWasLastSeen() throws Exception {
    Instant lastSeen = Instant.parse("2026-07-03T09:30:00Z");
    Alert a = alert(Severity.HIGH, false);
    NewBehavior b = a.newBehaviors().get(0);
    Alert back = Alert.builder().alertId(a.alertId()).hour(a.hour()).detectHour(a.detectHour())
        .businessUnit(a.businessUnit()).accountId(a.accountId()).principal(a.principal())
        .identityType(a.identityType()).severity(a.severity()).reason(a.reason())
        .newBehaviors(List.of(new NewBehavior(b.eventSource(), b.eventName(), b.count(), b.firstTime(), b.lastTime(),
            false, false, "high", false, null, null, null, null, "high", lastSeen))).build();
    JsonNode nb = JSON.readTree(HecEvents.bytes(back, HecSettings.builder(URI.create("https://splunk.example:8088"),
        Secret.of("t")).build(), SENT)).get("event").get("new_behaviors").get(0);
    assertEquals("returning: last seen 2026-07-03 (140 days ago)", nb.get("history").asText());
    assertEquals("2026-07-03T09:30:00Z", nb.get("last_seen").asText());
    assertEquals(JSON.readTree(io.trailwatch.alerting.AlertJson.toJson(back)).get("new_behaviors"),
        JSON.readTree(HecEvents.bytes(back, HecSettings.builder(URI.create("https://splunk.example:8088"),
            Secret.of("t")).build(), SENT)).get("event").get("new_behaviors"), "SNS sends the same JSON");
  }

  @Test
  void defaultsLeaveIndexAndHostToTheToken() throws Exception {
    HecSettings s = HecSettings.builder(URI.create("https://splunk.example:8088"), Secret.of("t")).build();
    JsonNode e = JSON.readTree(HecEvents.bytes(alert(Severity.INFO, true), s, SENT));
    assertEquals(List.of("time", "source", "sourcetype", "event"), iterable(e.fieldNames()));
    assertEquals("informational", e.path("event").path("severity").asText(), "CIM's word for info");
    assertEquals("Activity by IAMUser", e.path("event").path("signature").asText());
    assertEquals("trailwatch:any-activity", e.path("event").path("signature_id").asText());
  }

  @Test
  void timeIsWhenTheAlertIsSentSoALastHourSearchFindsIt() throws Exception {
    HecSettings s = HecSettings.builder(URI.create("https://splunk.example:8088"), Secret.of("t")).build();
    JsonNode e = JSON.readTree(HecEvents.bytes(alert(Severity.HIGH, false), s, SENT));
    assertEquals(SENT.getEpochSecond(), e.path("time").asLong(), "_time: sent, not the first call 1 h 23 min before");
    assertEquals("2026-11-20T14:12:34Z", e.path("event").path("first_time").asText());
    assertEquals("2026-11-20T14:00:00Z", e.path("event").path("hour").asText());
  }

  @Test
  void severityIdRisesWithSeverityAndEveryLevelHasOne() {
    List<Integer> ids = java.util.Arrays.stream(Severity.values()).map(HecEvents::severityId).toList();
    assertEquals(List.of(1, 2, 3, 4, 5), ids);
  }

  @Test
  void alertWithoutACatalogueTechniqueLeavesTheMitreFieldsOut() throws Exception {
    Alert a = alert(Severity.LOW, false);
    Alert plain = new Alert(a.alertId(), HOUR, HOUR, "payments", "111122223333", a.principal(), "IAMUser",
        Severity.LOW, "new", false, List.of(new NewBehavior("s3.amazonaws.com", "GetObject", 1, HOUR, HOUR, false,
            true, null, false)), List.of(), List.of(), List.of(), List.of());
    JsonNode e = JSON.readTree(HecEvents.bytes(plain, HecSettings.builder(URI.create("https://s:8088"),
        Secret.of("t")).build(), SENT)).path("event");
    assertEquals(false, e.has("mitre_technique_id"));
    assertEquals(true, e.path("src").isNull(), "no source IP: src is null, not a list");
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
